import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as adapters from '../examples/adapters.js';
import * as decorators from '../examples/decorators.js';
import * as policy from '../examples/policy.js';
import * as purgeEvents from '../examples/purgeEvents.js';
import * as unitOfWork from '../examples/unitOfWork.js';

const docsPath = fileURLToPath(new URL('../../../docs/core.md', import.meta.url));

describe('docs/core.md examples', () => {
  it('decorators: views declare rulesets; explicit mode catches a typo', () => {
    expect(decorators.main()).toEqual({
      frontpage: 'site.frontpage',
      featured: 'site.gallery',
      typo: 'ERR_CACHESET_RULESET_NOT_DECLARED',
    });
  });

  it('adapters: ILastModified and named IPurgePaths bound in a container', async () => {
    expect(await adapters.main()).toEqual({
      lastModified: 'Sun, 01 Nov 2026 09:30:00 GMT',
      viaView: '2026-11-01T09:30:00.000Z',
      paths: ['/images/cat', '/images/cat/thumbnail', '/gallery'],
    });
  });

  it('purge events: Purge, lifecycle redispatch and a rename purge old and new paths, once each', () => {
    expect(purgeEvents.main()).toEqual([
      '/images/cat',
      '/images/cat/thumbnail',
      '/gallery',
      '/images/kitten',
      '/images/kitten/thumbnail',
    ]);
  });

  it('policy: a configuration file maps the ruleset to an operation', async () => {
    expect(await policy.main()).toEqual({
      'x-cache-rule': 'site.news',
      'x-cache-operation': 'publicFor',
      'cache-control': 'public, max-age=300',
    });
  });

  it('unit of work: purges are sent once each at commit, after the in-process work, never when it fails', async () => {
    expect(await unitOfWork.main()).toEqual({
      sent: [['/news', '/news/1']],
      failed: 'import failed halfway',
      // The disk dumps are gone before the proxy purges go out and before runInUnitOfWork resolves.
      order: [
        'deleted /news',
        'deleted /news/1',
        'deleted /news',
        'proxy purges sent',
        'import finished',
        'deleted /gallery',
      ],
    });
  });

  it('every example is quoted verbatim in docs/core.md', async () => {
    const docs = await readFile(docsPath, 'utf8');
    for (const name of ['decorators', 'adapters', 'purgeEvents', 'unitOfWork', 'policy']) {
      const source = await readFile(fileURLToPath(new URL(`../examples/${name}.ts`, import.meta.url)), 'utf8');
      const marker = `<!-- example: packages/core/examples/${name}.ts -->`;
      const at = docs.indexOf(marker);
      expect(at, `docs/core.md lacks ${marker}`).toBeGreaterThanOrEqual(0);
      const block = /```ts\n([\s\S]*?)```/.exec(docs.slice(at));
      expect(block?.[1], `the code block after ${marker} differs from the example file`).toBe(source);
    }
  });
});
