import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

// Plain Node resolves '@cacheset/core' through package.json "exports" to dist/, as a user's app would:
// this catches missing .js extensions, a wrong exports map or a dist that was never built.
const script = `
import { RulesetRegistry, cacheRuleset, loadConfig, OperationRegistry, AdapterLookup, bindAdapter, ILastModified, resolveLastModified } from '@cacheset/core';
import { Container } from 'inversify';
import { DateTime } from 'luxon';
import { createRequire } from 'node:module';
class View {}
cacheRuleset('site.view')(View);
const registry = new RulesetRegistry();
const { policy } = loadConfig('rulesetTypes: [{ name: site.view, title: View }]\\npolicy: { operationMapping: {} }', 'inline.yaml', { registry, operations: new OperationRegistry() });
const container = new Container();
bindAdapter(container, { provides: ILastModified, for: View, factory: () => ({ lastModified: () => DateTime.fromISO('2026-01-02T03:04:05Z') }) });
const lm = await resolveLastModified(new AdapterLookup(container), new View());
const required = createRequire(import.meta.url)('@cacheset/core');
console.log(JSON.stringify({ ruleset: registry.lookup(new View()), enabled: policy.enabled, lm: lm.toUTC().toISO(), resolved: import.meta.resolve('@cacheset/core'), cjs: typeof required.RulesetRegistry }));
`;

describe('the built @cacheset/core package', () => {
  it('loads from dist through its exports map with plain Node, as ESM and through require()', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], {
      cwd: root,
      timeout: 20_000,
    });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      ruleset: 'site.view',
      enabled: true,
      lm: '2026-01-02T03:04:05.000Z',
      cjs: 'function',
    });
    expect(String(result.resolved)).toMatch(/packages\/core\/dist\/index\.js$/);
  });
});
