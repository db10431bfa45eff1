import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The lines between `#region name` and `#endregion name`, without their common indentation. */
function region(source: string, name: string): string {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => line.trimEnd().endsWith(`#region ${name}`));
  const end = lines.findIndex((line, i) => i > start && line.trimEnd().endsWith(`#endregion ${name}`));
  expect(start, `#region ${name}`).toBeGreaterThanOrEqual(0);
  expect(end, `#endregion ${name}`).toBeGreaterThan(start);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(
    ...body.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0),
  );
  return `${body.map((line) => line.slice(indent)).join('\n')}\n`;
}

/** The Markdown table that starts with the settings' header row. */
function settingsTable(markdown: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith('| variable | flag / file key |'));
  expect(start, 'the settings table').toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('|'));
  return lines.slice(start, end === -1 ? undefined : end);
}

describe('docs/getting-started.md', () => {
  it('lists the same settings as the demo’s README, and every setting the demo reads', async () => {
    const guide = settingsTable(await readFile(`${root}docs/getting-started.md`, 'utf8'));
    const readme = settingsTable(await readFile(`${root}packages/demo/README.md`, 'utf8'));
    expect(guide).toEqual(readme);
    const { SETTINGS } = await import('../src/config/loadSettings.js');
    for (const spec of Object.values(SETTINGS)) expect(guide.join('\n')).toContain(`| \`${spec.env}\` |`);
  });

  it('quotes every code excerpt from the demo’s source, byte for byte', async () => {
    const docs = await readFile(`${root}docs/getting-started.md`, 'utf8');
    const blocks = [...docs.matchAll(/(?:<!-- example: ([^ ]+) -->\n)?```(\w*)\n([\s\S]*?)```/g)];
    const quoted = blocks.filter((block) => block[2] === 'ts' || block[2] === 'yaml');
    expect(quoted.length).toBeGreaterThanOrEqual(10);
    for (const [, reference, , body] of quoted) {
      expect(reference, `a code block without an example marker:\n${body}`).toBeDefined();
      const [file, name] = (reference as string).split('#');
      const source = await readFile(`${root}${file}`, 'utf8');
      expect(body, `${reference} differs from its source (run npm run format)`).toBe(
        name === undefined ? source : region(source, name),
      );
    }
  });
});
