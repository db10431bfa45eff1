/**
 * The commands a newcomer runs, as processes: `npm start`'s entry (what it prints, a port in use, a
 * bad setting) and `npm run stack` (serves through each layer, stops everything on SIGTERM).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { freePort } from './support/freePort.js';
import { rawRequest } from './support/httpRequest.js';
import { waitUntil } from './support/purgeWait.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const main = join(root, 'packages/demo/dist/main.js');
const stackMain = join(root, 'packages/demo/dist/stackMain.js');

interface Started {
  readonly child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function launch(script: string, env: Record<string, string>, args: string[] = []): Started {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let dataDir: string;

beforeAll(async () => {
  // The entry points run the built files, as `npm start` does; tsc -b is quick when nothing changed.
  await run('npx', ['tsc', '-b', 'packages/demo/tsconfig.build.json'], { cwd: root, timeout: 240_000 });
  dataDir = await mkdtemp(join(tmpdir(), 'cacheset-demo-process-'));
}, 250_000);

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('seeds its data folder on first start, prints the URL, the data folder and the token, and serves', async () => {
    const port = await freePort();
    const site = launch(main, { PORT: String(port), CACHESET_DATA_DIR: dataDir, DEMO_EDITOR_TOKEN: '' });
    try {
      await waitUntil('the site to start', () => site.output().includes('Press Ctrl-C'), 60_000);
      const output = site.output();
      expect(output).toContain(`cacheset gallery is running at http://127.0.0.1:${port}/`);
      expect(output).toContain(`data:          ${dataDir}`);
      expect(output).toMatch(/editor token: {2}\S{20,} {2}\(new, kept in .*editor-token\)/);
      // The caching control panel (issue 13): its address, and its token generated on first start.
      expect(output).toContain(`caching admin: http://127.0.0.1:${port}/_cacheset/`);
      expect(output).toMatch(/admin token: {3}\S{40,} {2}\(new, kept in .*admin-token\)/);
      expect(output).toContain(
        `policy:        ${join(dataDir, 'cacheset.yaml')} (the control panel saves its edits there)`,
      );
      const front = await rawRequest(`http://127.0.0.1:${port}/`);
      expect(front.status).toBe(200);
      expect(front.text.match(/<li class="card/g)?.length).toBe(24);
    } finally {
      site.child.kill('SIGTERM');
      expect(await site.exited).toBe(0);
    }
  }, 90_000);

  it('says in one line that the port is in use, and exits non-zero', async () => {
    const busy: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
    try {
      const site = launch(main, { PORT: String(port), CACHESET_DATA_DIR: dataDir });
      expect(await site.exited).toBe(1);
      const lines = site.output().trim().split('\n');
      expect(lines.at(-1)).toBe(
        `cacheset gallery: Port ${port} on 127.0.0.1 is already in use; stop what runs there, or start on another port: PORT=${port + 1} npm start`,
      );
    } finally {
      busy.close();
    }
  }, 60_000);

  it('stops at start-up on a bad config file, naming the file, line, key and value', async () => {
    const config = join(dataDir, 'gallery.yaml');
    await writeFile(config, 'port: 3000\nredisUrl: "redis:/127.0.0.1:6379"\n');
    const site = launch(main, { CACHESET_DATA_DIR: dataDir }, ['--config', config]);
    expect(await site.exited).toBe(2);
    expect(site.output().trim()).toBe(
      `cacheset gallery: ${config}:2:11: redisUrl: "redis:/127.0.0.1:6379" is not a Redis URL; give redis://host:port (or rediss:// for TLS), such as redis://127.0.0.1:6379.`,
    );
    await writeFile(config, 'prot: 3000\n');
    const typo = launch(main, { CACHESET_DEMO_CONFIG: config });
    expect(await typo.exited).toBe(2);
    expect(typo.output()).toContain(`${config}:1:1: prot: unknown setting. Did you mean port?`);
  }, 60_000);
});

describeWithServers('npm run stack', ['varnishd', 'nginx', 'redis-server'], () => {
  it('starts Redis, nginx and Varnish in front of the site, serves through each, and stops them all', async () => {
    const stack = launch(stackMain, { CACHESET_DATA_DIR: dataDir });
    let pids: number[] = [];
    try {
      await waitUntil('the stack to start', () => stack.output().includes('Press Ctrl-C to stop them all.'), 90_000);
      const output = stack.output();
      const url = (name: string): string => new RegExp(`^  ${name}\\s+(\\S+)`, 'm').exec(output)?.[1] ?? '';
      pids = [...output.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
      expect(pids.length).toBe(4);
      const varnish = url('Varnish');
      const nginx = url('nginx');
      expect(url('Redis')).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      expect((await rawRequest(`${url('site')}feed.json`)).status).toBe(200);
      await rawRequest(`${varnish}feed.json`);
      expect((await rawRequest(`${varnish}feed.json`)).headers['x-cache']).toBe('HIT');
      await rawRequest(`${nginx}feed.json`);
      await waitUntil('the feed served by nginx from the dump', async () => {
        const answer = await rawRequest(`${nginx}feed.json`);
        return answer.status === 200 && answer.headers['x-cache-rule'] === undefined;
      });
    } finally {
      stack.child.kill('SIGTERM');
      expect(await stack.exited).toBe(0);
    }
    expect(stack.output()).toContain('cacheset gallery stack: stopped');
    for (const pid of pids) expect(alive(pid), `pid ${pid} still running`).toBe(false);
  }, 150_000);
});
