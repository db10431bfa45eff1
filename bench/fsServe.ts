/**
 * A page dumped by @cacheset/fs and served by nginx, side by side in one run with (DESIGN.md §5):
 *
 * - nginx serving the same file as plain static (`location / {}` on the file's own name): bar ≥ 0.95 ×;
 * - the application rendering it uncached from its database (a JSON file read and parsed, and an
 *   HTML template filled, on every request; about 20 KB): bar ≥ 5 ×.
 *
 * nginx runs one worker with the configuration `nginxConfig()` generates; the application runs in its
 * own process (bench/servers/fsServeApp.ts). wrk: one thread, 32 connections. A second section reads
 * nginx's worker CPU time per request from /proc for the two nginx paths, which neighbours' load on a
 * shared machine disturbs much less than throughput.
 *
 *   npx tsc -b bench && node bench/dist/fsServe.js [--seconds 5] [--rounds 5] [--connections 32] [--check]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxConfig } from '@cacheset/fs';
import { freeLoopbackPort, waitForPort } from './lib/ports.js';
import { BenchServer, compareServers, runWrk, type ContenderResult } from './lib/wrk.js';
import { emitRows } from './lib/benchRows.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number`);
  return value;
};
const seconds = flag('--seconds', 5);
const rounds = flag('--rounds', 5);
const connections = flag('--connections', 32);
const check = argv.includes('--check');

const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
if (NGINX === undefined) throw new Error('nginx is not installed (apt-get install -y nginx)');

function get(url: string): Promise<{ status: number; body: string; fromApp: boolean; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          fromApp: res.headers['x-cache-rule'] !== undefined,
          type: res.headers['content-type'],
        }),
      );
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** The pid of nginx's (single) worker process. */
function nginxWorker(master: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    return children.length === 1 ? Number(children[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** A small gallery database: 48 photos with titles, captions and tags. */
function database(): string {
  const words = [
    'harbour',
    'fog',
    'lighthouse',
    'autumn',
    'market',
    'bridge',
    'river',
    'night',
    'snow',
    'tram',
    'garden',
    'portrait',
  ];
  const photos = Array.from({ length: 48 }, (_, i) => ({
    id: i + 1,
    title: `${words[i % words.length]} & ${words[(i * 7) % words.length]} #${i + 1}`,
    caption: `A "${words[(i * 3) % words.length]}" study: light <strong>falls</strong> on the ${words[(i * 5) % words.length]} at dusk, shot handheld.`,
    photographer: ['Ada L.', 'Bruno M.', "Chloé O'Neil", 'Dmitri K.'][i % 4] as string,
    tags: [words[i % words.length], words[(i + 4) % words.length], 'film'],
    width: 320,
    height: 213,
    takenAt: new Date(Date.UTC(2025, i % 12, 1 + (i % 27))).toISOString().slice(0, 10),
  }));
  return JSON.stringify(photos, null, 1);
}

const base = await realpath(await mkdtemp(join(tmpdir(), 'cacheset-bench-fs-')));
await chmod(base, 0o755);
const root = join(base, 'root');
await mkdir(root, { mode: 0o755 });
const prefix = join(base, 'nginx');
await mkdir(join(prefix, 'logs'), { recursive: true });
const dbFile = join(base, 'gallery.json');
await writeFile(dbFile, database());

const appPort = await freeLoopbackPort();
const dumpedPort = await freeLoopbackPort();
const staticPort = await freeLoopbackPort();
let app: BenchServer | undefined;
let nginx: ChildProcess | undefined;
try {
  app = await BenchServer.start('app', fileURLToPath(new URL('./servers/fsServeApp.js', import.meta.url)), appPort, [
    root,
    dbFile,
  ]);
  const http = `${nginxConfig({ root, app: `127.0.0.1:${appPort}`, listen: `127.0.0.1:${dumpedPort}` })}
# The baseline: the same file served as plain static content, by its own name.
server {
    listen 127.0.0.1:${staticPort};
    root "${root}";
    location / {
        types { "text/html; charset=utf-8" html; }
    }
}`;
  const temp = (name: string): string => `${name}_temp_path ${join(prefix, `${name}-temp`)};`;
  await writeFile(
    join(prefix, 'nginx.conf'),
    `worker_processes 1;
pcre_jit on;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs', 'error.log')} warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n    ')}
${http}
}
`,
  );
  nginx = spawn(
    NGINX,
    ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'logs', 'error.log'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  await waitForPort(dumpedPort, 'nginx');
  await waitForPort(staticPort, 'nginx');

  // The first request reaches the app, which dumps the page; from then on nginx answers.
  const first = await get(`http://127.0.0.1:${dumpedPort}/gallery`);
  const deadline = Date.now() + 10_000;
  while (!existsSync(join(root, 'gallery.html'))) {
    if (Date.now() > deadline) throw new Error('the page was never dumped');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const dumped = await get(`http://127.0.0.1:${dumpedPort}/gallery`);
  const plain = await get(`http://127.0.0.1:${staticPort}/gallery.html`);
  const uncached = await get(`http://127.0.0.1:${appPort}/uncached/gallery`);
  if (!first.fromApp || dumped.fromApp)
    throw new Error('expected the first request from the app and the second from nginx');
  if (
    dumped.body !== plain.body ||
    dumped.body !== uncached.body ||
    dumped.body !== (await readFile(join(root, 'gallery.html'), 'utf8'))
  )
    throw new Error('the three contenders do not send the same page');
  if (dumped.type !== 'text/html; charset=utf-8' || plain.type !== dumped.type)
    throw new Error(`content types differ: ${dumped.type} / ${plain.type}`);
  console.log(
    `page: ${Buffer.byteLength(dumped.body)} bytes, ${JSON.parse(await readFile(dbFile, 'utf8')).length} photos; wrk -t1 -c${connections}, ${rounds} rounds of ${seconds}s, median`,
  );

  const results = await compareServers(
    [
      { name: 'nginx, same file as plain static', url: `http://127.0.0.1:${staticPort}/gallery.html` },
      { name: 'nginx, page dumped by cacheset fs', url: `http://127.0.0.1:${dumpedPort}/gallery` },
      { name: 'app rendering uncached (JSON db)', url: `http://127.0.0.1:${appPort}/uncached/gallery` },
    ],
    { seconds, rounds, connections, warmupSeconds: Math.min(2, seconds) },
  );
  const [plainResult, dumpedResult, appResult] = results as [ContenderResult, ContenderResult, ContenderResult];
  for (const r of results)
    console.log(
      `  ${r.name.padEnd(36)} ${Math.round(r.requestsPerSecond).toString().padStart(7)} req/s  (rounds: ${r.rounds.map((n) => Math.round(n)).join(', ')})`,
    );
  const vsStatic = dumpedResult.requestsPerSecond / plainResult.requestsPerSecond;
  const vsApp = dumpedResult.requestsPerSecond / appResult.requestsPerSecond;
  console.log(`  dumped / plain static: ${vsStatic.toFixed(2)} (bar >= 0.95)`);
  console.log(`  dumped / app uncached: ${vsApp.toFixed(2)} (bar >= 5.00)`);

  // Throughput on a shared 2-core machine swings with the neighbours' load. nginx's own CPU time per
  // request does not (much): a second view of the same two nginx paths, from /proc.
  const worker = nginxWorker(nginx.pid as number);
  if (worker !== undefined) {
    const cpu: Record<string, number[]> = { static: [], dumped: [] };
    const urls = {
      static: `http://127.0.0.1:${staticPort}/gallery.html`,
      dumped: `http://127.0.0.1:${dumpedPort}/gallery`,
    };
    for (let r = 0; r < rounds; r += 1) {
      for (const name of r % 2 === 0 ? (['static', 'dumped'] as const) : (['dumped', 'static'] as const)) {
        const before = cpuTicks(worker);
        const started = process.hrtime.bigint();
        const run = await runWrk(urls[name], { seconds, connections });
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        (cpu[name] as number[]).push(
          ((cpuTicks(worker) - before) * (1e6 / CLOCK_TICKS)) / (run.requestsPerSecond * elapsed),
        );
      }
    }
    const median = (values: readonly number[]): number =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const staticCpu = median(cpu.static as number[]);
    const dumpedCpu = median(cpu.dumped as number[]);
    console.log(`nginx worker CPU per request (median of ${rounds}):`);
    console.log(
      `  plain static ${staticCpu.toFixed(1)} µs, dumped page ${dumpedCpu.toFixed(1)} µs: plain / dumped ${(staticCpu / dumpedCpu).toFixed(2)}`,
    );
  }
  emitRows('fsServe', [
    {
      id: 'fs-static',
      label: 'dumped page via nginx vs plain static',
      value: dumpedResult.requestsPerSecond,
      unit: 'req/s',
      reference: plainResult.requestsPerSecond,
      referenceLabel: plainResult.name,
      ratio: vsStatic,
      bar: 0.95,
    },
    {
      id: 'fs-app',
      label: 'dumped page via nginx vs the app uncached',
      value: dumpedResult.requestsPerSecond,
      unit: 'req/s',
      reference: appResult.requestsPerSecond,
      referenceLabel: appResult.name,
      ratio: vsApp,
      bar: 5,
    },
  ]);
  if (check && (vsStatic < 0.95 || vsApp < 5)) process.exitCode = 1;
} finally {
  if (nginx !== undefined && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx?.once('exit', resolve));
    nginx.kill('SIGTERM');
    await exited;
  }
  await app?.stop();
  await rm(base, { recursive: true, force: true });
}
