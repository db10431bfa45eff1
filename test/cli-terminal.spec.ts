/**
 * The `cacheset` executable on a terminal: colours there (never with NO_COLOR), and warm's progress
 * bar instead of one line per URL.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { cachesetOnTerminal } from './support/cliRun.js';
import { startDemo, type Demo } from './support/demo.js';

const BAD = 'test/fixtures/cli/bad-policy.yaml';
const RED = '\u001b[31m';

describeWithServers('cacheset on a terminal', ['script'], () => {
  let demo: Demo;
  let work: string;

  beforeAll(async () => {
    demo = await startDemo({ images: 3 });
    work = await mkdtemp(join(tmpdir(), 'cacheset-cli-tty-'));
  });

  afterAll(async () => {
    await demo?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('colours the error line on a terminal, and not with NO_COLOR', async () => {
    const coloured = await cachesetOnTerminal(['check-config', BAD]);
    expect(coloured.status).toBe(1);
    expect(coloured.stdout).toContain(`${RED}cacheset:`);
    const plain = await cachesetOnTerminal(['check-config', BAD], { NO_COLOR: '1' });
    expect(plain.status).toBe(1);
    expect(plain.stdout).toContain('cacheset: 4 problems');
    expect(plain.stdout).not.toContain('\u001b[');
  });

  it('--json is never coloured, even on a terminal', async () => {
    const run = await cachesetOnTerminal(['check-config', BAD, '--json']);
    const json = run.stdout.slice(0, run.stdout.lastIndexOf('}') + 1);
    expect(json).not.toContain('\u001b[');
    expect((JSON.parse(json) as { ok: boolean }).ok).toBe(false);
  });

  it('warm draws a progress bar in place of per-URL lines', async () => {
    const paths = ['/', '/feed.json', ...demo.running.site.gallery.newest(3).map((i) => `/images/${i.slug}`)];
    const list = join(work, 'urls.txt');
    await writeFile(list, paths.join('\n'));
    const run = await cachesetOnTerminal(['warm', list, '--base', demo.base, '--concurrency', '1'], { NO_COLOR: '1' });
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`\\r\\u001b\\[2K\\[#+-*\\] 1/${paths.length} `));
    expect(run.stdout).toContain(`] ${paths.length}/${paths.length} `);
    expect(run.stdout).not.toMatch(/^200 http/m);
    expect(run.stdout).toContain(`warmed ${paths.length} of ${paths.length} URLs`);
  });
});
