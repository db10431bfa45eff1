#!/usr/bin/env node
// Rewrites the code block that follows each `<!-- example: path -->` marker in docs/*.md with the
// current content of that file, or, for `<!-- example: path#name -->`, with the lines between the
// file's `#region name` and `#endregion name` comments (their common indentation removed). The
// examples tests fail when a block and its source differ.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const docsDir = join(root, 'docs');
const marker = /<!-- example: ([^ ]+) -->\n```(\w+)\n[\s\S]*?```/g;

/** The lines of `source` inside the region `name`, dedented. */
export function regionOf(source, name, file) {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => new RegExp(`#region ${name}\\s*$`).test(line));
  const end = lines.findIndex((line, i) => i > start && new RegExp(`#endregion ${name}\\s*$`).test(line));
  if (start < 0 || end < 0) throw new Error(`${file} has no region "${name}" (#region ${name} ... #endregion ${name})`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)[0].length));
  return `${body.map((line) => line.slice(indent)).join('\n')}\n`;
}

export async function quoteOf(reference) {
  const [file, region] = reference.split('#');
  const source = await readFile(join(root, file), 'utf8');
  return region === undefined ? source : regionOf(source, region, file);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const name of await readdir(docsDir)) {
    if (!name.endsWith('.md')) continue;
    const path = join(docsDir, name);
    const text = await readFile(path, 'utf8');
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(marker)) {
      const quote = await quoteOf(match[1]);
      parts.push(text.slice(last, match.index), `<!-- example: ${match[1]} -->\n\`\`\`${match[2]}\n${quote}\`\`\``);
      last = match.index + match[0].length;
    }
    parts.push(text.slice(last));
    const updated = parts.join('');
    if (updated !== text) {
      await writeFile(path, updated);
      console.log(`updated ${name}`);
    }
  }
}
