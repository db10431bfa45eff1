/**
 * docs/cli.md quotes real runs: each `<!-- cli-output: ARGS -->` marker is followed by a console block
 * holding `$ cacheset ARGS`, then what that command printed (stdout, then stderr) in this test's run.
 * The test fails when a block differs; `UPDATE_CLI_DOCS=1 npx vitest run test/cli-docs.spec.ts`
 * rewrites the blocks from the run. `${APP}` in ARGS is the gallery started here (its admin token in
 * CACHESET_TOKEN). What differs on every run is printed as in one fixed run: the port (3000), request
 * times (12ms), the data folder, HTTP dates and the log-in form's cookie.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheset, REPO } from './support/cliRun.js';
import { startDemo, type Demo } from './support/demo.js';

const TOKEN = 'test-admin-token-0123456789';
const DOC = join(REPO, 'docs', 'cli.md');
const MARKER = /<!-- cli-output: (.+?) -->\n```console\n[\s\S]*?```/g;

describe('docs/cli.md', () => {
  let demo: Demo;
  let work: string;

  beforeAll(async () => {
    demo = await startDemo({ images: 3, env: { CACHESET_ADMIN_TOKEN: TOKEN } });
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
      const run = await cacheset(args, { CACHESET_TOKEN: TOKEN });
      const output = `${run.stdout}${run.stderr}`
        .replaceAll(`127.0.0.1:${port}`, '127.0.0.1:3000')
        .replace(/\b\d+ms\b/g, '12ms')
        .replace(/in \d+\.\ds\b/g, 'in 0.1s')
        .replaceAll(demo.dataDir, '/var/lib/gallery')
        .replace(
          /\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT/g,
          'Sun, 04 Dec 2016 01:00:00 GMT',
        )
        .replace(/gallery_login=[\w-]+/g, 'gallery_login=Hy8xogehUv-E3PF0qwEQe8x5');
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
