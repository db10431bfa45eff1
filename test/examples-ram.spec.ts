import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as frontPagePurge from '../examples/ram/frontPagePurge.js';
import * as quickStart from '../examples/ram/quickStart.js';

const docsPath = fileURLToPath(new URL('../docs/ram.md', import.meta.url));

describe('docs/ram.md examples', () => {
  it('quick start: a page is replayed from RAM, teasers are computed once, a Purge drops both', async () => {
    const { pages, stats } = await quickStart.main();
    const [first, second, third] = pages;
    expect(first).toEqual({ body: '<h1>pets</h1><figure>A cat</figure><figure>A dog</figure>', ramCache: null });
    expect(second).toEqual({ body: first?.body, ramCache: 'cacheset.ramcache' });
    expect(third).toEqual({
      body: '<h1>pets</h1><figure>A sleeping cat</figure><figure>A dog</figure>',
      ramCache: null,
    });
    // The replay did not run the handler; after the purge only the changed teaser was computed again.
    expect(quickStart.renders).toEqual({ pages: 2, teasers: 3 });
    expect(stats).toMatchObject({ hits: 2, stores: 5 });
    expect(stats.invalidations).toBeGreaterThanOrEqual(2);
  });

  it('front page purge: IPurgePaths pages are dropped alone, the object path as a subtree', async () => {
    expect(await frontPagePurge.main()).toEqual(['/', '/?page=2', '/images/cat', '/images/cat/comments']);
  });

  it('every example is quoted verbatim in docs/ram.md', async () => {
    const docs = await readFile(docsPath, 'utf8');
    for (const name of ['quickStart', 'frontPagePurge']) {
      const source = await readFile(fileURLToPath(new URL(`../examples/ram/${name}.ts`, import.meta.url)), 'utf8');
      const marker = `<!-- example: examples/ram/${name}.ts -->`;
      const at = docs.indexOf(marker);
      expect(at, `docs/ram.md lacks ${marker}`).toBeGreaterThanOrEqual(0);
      const block = /```ts\n([\s\S]*?)```/.exec(docs.slice(at));
      expect(block?.[1], `the code block after ${marker} differs from the example file`).toBe(source);
    }
  });
});
