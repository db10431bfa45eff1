import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as quickStart from '../examples/fs/quickStart.js';
import { tempDir } from '../packages/fs/test/support.js';

const docsPath = fileURLToPath(new URL('../docs/fs.md', import.meta.url));

describe('docs/fs.md examples', () => {
  it('quick start: the first request writes the page (and its gzip sibling), a Purge deletes them', async () => {
    const tmp = await tempDir();
    try {
      const result = await quickStart.main(join(tmp.dir, 'root'));
      expect(result.written).toEqual(['images', 'images/cat.html', 'images/cat.html.gz']);
      expect(result.cacheControl).toBe('max-age=0, s-maxage=3600, must-revalidate');
      expect(result.stats).toMatchObject({ files: 0, writes: 1, purges: 1, refusedTotal: 0 });
      expect(result.stats.deletes).toBe(2);
      expect(result.config).toContain('add_header Cache-Control "max-age=0, s-maxage=3600, must-revalidate";');
      expect(result.config).toContain('gzip_static on;');
      expect(await readdir(join(tmp.dir, 'root', 'images'))).toEqual([]);
    } finally {
      await tmp.cleanup();
    }
  });

  it('every example is quoted verbatim in docs/fs.md', async () => {
    const docs = await readFile(docsPath, 'utf8');
    for (const name of ['quickStart']) {
      const source = await readFile(fileURLToPath(new URL(`../examples/fs/${name}.ts`, import.meta.url)), 'utf8');
      const marker = `<!-- example: examples/fs/${name}.ts -->`;
      const at = docs.indexOf(marker);
      expect(at, `docs/fs.md lacks ${marker}`).toBeGreaterThanOrEqual(0);
      const block = /```ts\n([\s\S]*?)```/.exec(docs.slice(at));
      expect(block?.[1], `the code block after ${marker} differs from the example file`).toBe(source);
    }
  });
});
