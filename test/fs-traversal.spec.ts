import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, relative, sep } from 'node:path';
import { cachingHandler } from '@cacheset/http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { startFsSite, type FsSite } from './support/nginx.js';

const SECRET = 'TOP SECRET: outside the document root';

/** One raw HTTP/1.1 request, byte for byte as given (no client-side normalization of the target). */
function rawExchange(port: number, target: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const finish = (): void => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text });
    };
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', finish);
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(
        Buffer.concat([
          Buffer.from('GET ', 'latin1'),
          Buffer.from(target, 'latin1'),
          Buffer.from(' HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', 'latin1'),
        ]),
      );
    });
  });
}

/** Every entry under `dir` (files, directories, links), relative, without following links. */
async function walk(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(relative(base, path));
    if (entry.isDirectory()) out.push(...(await walk(path, base)));
  }
  return out.sort();
}

const long = 'a'.repeat(300);
const longUtf8 = '%C3%A9'.repeat(130); // 260 bytes once decoded
const payloads = [
  '..',
  '../..',
  '../../..',
  '%2e%2e',
  '%2E%2E',
  '.%2e',
  '%2e.',
  '%252e%252e',
  '%25252e%25252e',
  '..%2f',
  '..%2F',
  '%2e%2e%2f',
  '%2e%2e/%2e%2e',
  '..%5c',
  '..\\',
  '%5c..%5c',
  '..%255c',
  '..%252f',
  '%c0%ae%c0%ae',
  '%e0%80%ae%e0%80%ae',
  '%c0%2f',
  '%ff%fe',
  '..;',
  '..%00',
  '%00',
  'a%00.html',
  'a%0d%0aX-Injected:%201',
  '%2f',
  '%2fetc%2fpasswd',
  '/etc/passwd',
  '//etc/passwd',
  '.htaccess',
  '.git/config',
  '.cs-trash-000000000000/x',
  '.cs-0123456789abcdef.tmp',
  'a!b',
  'index',
  long,
  longUtf8,
  `${'b'.repeat(250)}`,
  'C:',
  'c:%5cwindows%5cwin.ini',
  '.',
  './.',
  '%2e',
  'x/../../outside/owned',
  'x/%2e%2e/%2e%2e/outside/owned',
  'evil',
  'evil/secret',
  'evil/owned',
  'evil/../evil/owned',
  'trap',
  'ok-name',
  'caf%C3%A9',
  '~user',
  'a;b=c',
];
const prefixes = ['/', '/pages/', '/evil/', '/deep/er/'];
const suffixes = ['', '/', '.html', '?q=1'];

function corpus(): string[] {
  const set = new Set<string>();
  for (const prefix of prefixes)
    for (const payload of payloads) for (const suffix of suffixes) set.add(`${prefix}${payload}${suffix}`);
  for (const extra of [
    'http://evil.example/owned',
    '*',
    'owned',
    '/%2e%2e%2f%2e%2e%2foutside%2fowned',
    '/pages/..%2f..%2f..%2foutside%2fowned',
  ])
    set.add(extra);
  return [...set];
}

describeWithServers('@cacheset/fs: nothing is ever written outside the document root', ['nginx'], () => {
  let site: FsSite;
  let outsideBefore: string[];
  beforeAll(async () => {
    site = await startFsSite({
      policy: {
        operationMapping: { 'site.any': 'chain' },
        operations: { chain: { rulesets: { 'site.any': { operations: ['moderateCaching', 'fsCache'] } } } },
      },
      cache: { durable: false },
      server: { disableSymlinks: true },
      // Links planted inside the root: a directory link and a file link to a sibling tree.
      prepare: async ({ base, root }) => {
        const outside = join(base, 'outside');
        await mkdir(outside, { mode: 0o755 });
        await writeFile(join(outside, 'secret.html'), SECRET, { mode: 0o644 });
        await writeFile(join(outside, 'owned.html'), SECRET, { mode: 0o644 });
        await symlink(outside, join(root, 'evil'));
        await symlink(join(outside, 'secret.html'), join(root, 'trap.html'));
        await mkdir(join(root, 'deep'), { mode: 0o755 });
        await symlink(outside, join(root, 'deep', 'er'));
      },
      app: (caching) =>
        cachingHandler(
          caching,
          (_req, res) => {
            res.setHeader('Content-Type', 'text/html; charset=utf-8');
            res.end('<h1>any page</h1>');
          },
          { ruleset: 'site.any' },
        ),
    });
    outsideBefore = await walk(join(site.base, 'outside'));
  });
  afterAll(async () => {
    await site?.stop();
  });

  it('sends more than 200 crafted paths through nginx and straight to the app without writing outside the root', async () => {
    const paths = corpus();
    expect(paths.length).toBeGreaterThanOrEqual(200);
    const appUrl = new URL(site.appUrl);
    const answers: { via: string; target: string; status: number; text: string }[] = [];
    for (let i = 0; i < paths.length; i += 16) {
      const batch = paths.slice(i, i + 16);
      const results = await Promise.all(
        batch.flatMap((target) => [
          rawExchange(site.nginx.port, target).then((r) => ({ via: 'nginx', target, ...r })),
          rawExchange(Number(appUrl.port), target).then((r) => ({ via: 'app', target, ...r })),
        ]),
      );
      answers.push(...results);
    }
    // Every response the app produced has been judged (written or refused) before we look at the disk.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      await site.cache.settled();
      const s = site.cache.stats();
      if (s.writes + s.refusedTotal >= site.appHitCount()) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await site.cache.settled();
    const stats = site.cache.stats();
    expect(stats.writes + stats.refusedTotal).toBe(site.appHitCount());

    // nginx (with disableSymlinks) never served the secret through a planted link.
    for (const answer of answers) expect(answer.text.includes(SECRET), `${answer.via} ${answer.target}`).toBe(false);

    // The tree outside the root is exactly as it was, and so are the planted links.
    expect(await walk(join(site.base, 'outside'))).toEqual(outsideBefore);
    expect(await readFile(join(site.base, 'outside', 'secret.html'), 'utf8')).toBe(SECRET);
    expect(await readFile(join(site.base, 'outside', 'owned.html'), 'utf8')).toBe(SECRET);
    expect((await lstat(join(site.root, 'evil'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(site.root, 'evil'))).toBe(join(site.base, 'outside'));
    expect((await lstat(join(site.root, 'deep', 'er'))).isSymbolicLink()).toBe(true);
    expect((await readdir(site.base)).sort()).toEqual(['outside', 'root']);

    // Whatever was written under the root is a plain name: no dot names, NUL, backslash or over-long names.
    const written = (await walk(site.root)).filter(
      (p) => !['evil', 'trap.html', 'deep', join('deep', 'er')].includes(p) && p.split(sep)[0] !== '.cs-marks',
    );
    for (const path of written) {
      for (const segment of path.split(sep)) {
        expect(segment.startsWith('.'), path).toBe(false);
        expect(/[\\\x00-\x1f]/.test(segment), path).toBe(false);
        expect(Buffer.byteLength(segment), path).toBeLessThanOrEqual(255);
      }
    }
    expect(written.length).toBeGreaterThan(0);
    expect(stats.writes).toBeGreaterThan(0);

    // And each defence was exercised (counted with its reason, never thrown).
    for (const reason of [
      'symlink',
      'dot-segment',
      'encoded-dot',
      'encoded-slash',
      'backslash',
      'double-encoded',
      'control-character',
      'bad-encoding',
      'hidden-name',
      'reserved-name',
      'name-too-long',
      'empty-segment',
      'not-origin-form',
      'query',
    ] as const) {
      expect(stats.refused[reason] ?? 0, reason).toBeGreaterThan(0);
    }
  });
});
