#!/usr/bin/env node
// Rewrites the ```ts block that follows each `<!-- example: path -->` marker in docs/*.md with the
// current content of that file. The examples test fails when a block and its file differ.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const docsDir = join(root, 'docs');
const marker = /<!-- example: ([^ ]+) -->\n```ts\n[\s\S]*?```/g;

for (const name of await readdir(docsDir)) {
  if (!name.endsWith('.md')) continue;
  const path = join(docsDir, name);
  const text = await readFile(path, 'utf8');
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(marker)) {
    const source = await readFile(join(root, match[1]), 'utf8');
    parts.push(text.slice(last, match.index), `<!-- example: ${match[1]} -->\n\`\`\`ts\n${source}\`\`\``);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  const updated = parts.join('');
  if (updated !== text) {
    await writeFile(path, updated);
    console.log(`updated ${name}`);
  }
}
