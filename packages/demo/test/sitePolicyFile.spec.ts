import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { POLICY_FILE } from '../src/caching/policyFile.js';
import { sitePolicyFile } from '../src/server/sitePolicyFile.js';

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function recorder(): { warnings: string[]; warn: (message: string) => void; error: (message: string) => void } {
  const warnings: string[] = [];
  return { warnings, warn: (message) => warnings.push(message), error: (message) => warnings.push(message) };
}

describe("the site's policy file", () => {
  it('is a copy of the shipped policy made on the first start, and kept (with its edits) after that', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cacheset-policy-'));
    folders.push(dataDir);
    const file = await sitePolicyFile(dataDir);
    expect(file).toBe(join(dataDir, 'cacheset.yaml'));
    expect(await readFile(file, 'utf8')).toBe(await readFile(POLICY_FILE, 'utf8'));
    await writeFile(file, '# edited by the control panel\n');
    const log = recorder();
    expect(await sitePolicyFile(dataDir, log)).toBe(file);
    expect(await readFile(file, 'utf8')).toBe('# edited by the control panel\n');
    expect(log.warnings).toEqual([]);
  });

  it('warns at start-up when the shipped policy changed after the copy was made', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cacheset-policy-'));
    folders.push(dataDir);
    const file = await sitePolicyFile(dataDir);
    // The copy is older than the shipped file: unchanged, nothing to say; different, say which to delete.
    await utimes(file, new Date(0), new Date(0));
    const same = recorder();
    await sitePolicyFile(dataDir, same);
    expect(same.warnings).toEqual([]);
    await writeFile(file, '# an older policy\n');
    await utimes(file, new Date(0), new Date(0));
    const changed = recorder();
    await sitePolicyFile(dataDir, changed);
    expect(changed.warnings).toHaveLength(1);
    expect(changed.warnings[0]).toContain(`Delete the copy`);
    expect(changed.warnings[0]).toContain(file);
  });
});
