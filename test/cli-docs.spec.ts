/**
 * docs/cli.md quotes real runs: each `<!-- cli-output: ARGS -->` marker is followed by a console block
 * holding `$ cacheset ARGS`, then what that command printed (stdout, then stderr) in this test's run.
 * The test fails when a block differs; `UPDATE_CLI_DOCS=1 npx vitest run test/cli-docs.spec.ts`
 * rewrites the blocks from the run. `${APP}` in ARGS is the gallery started here; its port and
 * request times are printed as 3000 and `12ms`, as they differ on every run.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheset, REPO } from './support/cliRun.js';
import { startDemo, type Demo } from './support/demo.js';

const DOC = join(REPO, 'docs', 'cli.md');
const MARKER = /<!-- cli-output: (.+?) -->\n```console\n[\s\S]*?```/g;

describe('docs/cli.md', () => {
  let demo: Demo;
  let work: string;

  beforeAll(async () => {
    demo = await startDemo({ images: 3 });
    work = await mkdtemp(join(tmpdir(), 'cacheset-cli-docs-'));
    const images = demo.running.site.gallery.newest(2);
    await writeFile(join(work, 'urls.txt'), ['/', ...images.map((i) => `/images/${i.slug}`)].join('\n'));
  });

  afterAll(async () => {
    await demo?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('quotes the output of a real run for every example', async () => {
    const text = await readFile(DOC, 'utf8');
    const port = new URL(demo.base).port;
    const blocks: string[] = [];
    let last = 0;
    const parts: string[] = [];
    for (const match of text.matchAll(MARKER)) {
      const shown = match[1] as string;
      const args = shown
        .replaceAll('${APP}', `${demo.base}/`)
        .replaceAll('urls.txt', join(work, 'urls.txt'))
        .split(' ');
      const run = await cacheset(args);
      const output = `${run.stdout}${run.stderr}`
        .replaceAll(`127.0.0.1:${port}`, '127.0.0.1:3000')
        .replace(/\b\d+ms\b/g, '12ms')
        .replace(/in \d+\.\ds\b/g, 'in 0.1s');
      const block = `<!-- cli-output: ${shown} -->\n\`\`\`console\n$ cacheset ${shown.replaceAll('${APP}', 'http://127.0.0.1:3000/')}\n${output}${output.endsWith('\n') ? '' : '\n'}\`\`\``;
      blocks.push(block);
      parts.push(text.slice(last, match.index), block);
      last = (match.index ?? 0) + match[0].length;
    }
    parts.push(text.slice(last));
    expect(blocks.length).toBeGreaterThan(5);
    const expected = parts.join('');
    if (process.env.UPDATE_CLI_DOCS === '1') {
      await writeFile(DOC, expected);
      return;
    }
    expect(text, 'docs/cli.md differs from the run: UPDATE_CLI_DOCS=1 npx vitest run test/cli-docs.spec.ts').toBe(
      expected,
    );
  });

  it('documents every command', async () => {
    const text = await readFile(DOC, 'utf8');
    for (const command of [
      'check-config',
      'nginx-config',
      'apache-config',
      'varnish-vcl',
      'explain',
      'purge',
      'stats',
      'policy get',
      'policy set',
      'warm',
    ])
      expect(text, command).toMatch(new RegExp(`^## .*\`cacheset ${command}[ \`]`, 'm'));
  });
});
