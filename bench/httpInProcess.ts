/**
 * The request path without the network: the same handlers as the http304, httpFull200 and ramHit
 * servers, called in one process on real node:http `IncomingMessage` / `ServerResponse` objects whose
 * socket discards what it is given. Node's own header validation, serialization and write path are
 * included; the kernel, wrk and the loopback are not. On a 2-core machine shared with the load
 * generator, this is the steadiest view of what the adapter itself costs per request.
 *
 *   npx tsc -b bench && node bench/dist/httpInProcess.js [--rounds 15] [--requests 20000] [--only 304|200|ram]
 */
import { IncomingMessage, ServerResponse, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { cachingHandler } from '@cacheset/http';
import { RamCacheManager } from '@cacheset/ram';
import {
  BODY,
  CONTENT_TYPE,
  createBenchCaching,
  createRamBenchCaching,
  ETAG,
  rawPageHandler,
} from './servers/benchSite.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} takes a positive integer`);
  return value;
}
const ROUNDS = argument('rounds', 15);
const REQUESTS = argument('requests', 20_000);

/** A socket that accepts every write at once and keeps the first bytes when asked to. */
class NullSocket extends Writable {
  kept = '';
  keep = false;
  constructor() {
    // A real socket hands strings to the kernel without a Buffer copy; so does this one.
    super({ decodeStrings: false });
  }
  override _write(chunk: Buffer | string, encoding: BufferEncoding | 'buffer', done: () => void): void {
    if (this.keep)
      this.kept +=
        typeof chunk === 'string'
          ? Buffer.from(chunk, encoding as BufferEncoding).toString('latin1')
          : chunk.toString('latin1');
    done();
  }
  override _writev(chunks: { chunk: Buffer | string; encoding: BufferEncoding | 'buffer' }[], done: () => void): void {
    for (const { chunk, encoding } of chunks) this._write(chunk, encoding, () => undefined);
    done();
  }
}

function exchange(
  headers: IncomingHttpHeaders,
  keep = false,
): { req: IncomingMessage; res: ServerResponse; socket: NullSocket } {
  const socket = new NullSocket();
  socket.keep = keep;
  const req = new IncomingMessage(socket as unknown as Socket);
  req.method = 'GET';
  req.url = '/';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.headers = headers;
  const res = new ServerResponse(req);
  res.assignSocket(socket as unknown as Socket);
  // What node:http's server does when a response finishes (resOnFinish): detach, then 'close'.
  res.once('finish', () => {
    res.detachSocket(socket as unknown as Socket);
    process.nextTick(() => res.emit('close'));
  });
  return { req, res, socket };
}

/** What one handler writes for a request: status line and headers (and the first body bytes). */
async function sample(handler: Handler, headers: IncomingHttpHeaders): Promise<string> {
  const { req, res, socket } = exchange(headers, true);
  handler(req, res);
  // A RAM hit may answer after a promise settles; give it a bounded number of turns.
  for (let turn = 0; turn < 100 && !res.writableEnded; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return socket.kept;
}

async function timePerRequest(handler: Handler, headers: IncomingHttpHeaders): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i += 1) {
    const { req, res } = exchange(headers);
    handler(req, res);
    // Let completions, 'finish' and 'close' run as they would between requests on a server.
    if ((i & 255) === 255) await new Promise((resolve) => setImmediate(resolve));
  }
  return Number(process.hrtime.bigint() - started) / 1e3 / REQUESTS;
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** `--only 304|200|ram` runs one comparison (for a profiler). */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

async function compare(
  label: string,
  key: string,
  baseline: Handler,
  ours: Handler,
  headers: IncomingHttpHeaders,
): Promise<void> {
  if (only !== undefined && only !== key) return;
  const base: number[] = [];
  const mine: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    base.push(await timePerRequest(baseline, headers));
    mine.push(await timePerRequest(ours, headers));
  }
  const b = median(base);
  const o = median(mine);
  console.log(label);
  console.log(`  raw node:http      ${b.toFixed(2).padStart(6)} µs per request`);
  console.log(`  cacheset adapter   ${o.toFixed(2).padStart(6)} µs per request   (+${(o - b).toFixed(2)} µs)`);
  console.log(`  ratio (raw / ours): ${(b / o).toFixed(2)}`);
}

function expectStart(what: string, text: string, status: string, header: string): void {
  if (!text.startsWith(`HTTP/1.1 ${status}`) || !text.toLowerCase().includes(header.toLowerCase())) {
    throw new Error(`${what}: unexpected response:\n${text.slice(0, 600)}`);
  }
}

// 304 and full 200: the page of benchSite under moderateCaching, as in http304 / httpFull200.
const { caching, view } = createBenchCaching();
const adapter = cachingHandler(
  caching,
  (_req, res) => {
    res.setHeader('Content-Type', CONTENT_TYPE);
    res.end(BODY);
  },
  { published: view },
);
const raw: Handler = rawPageHandler;

const conditional = { host: 'bench', 'if-none-match': ETAG };
const plain = { host: 'bench' };
expectStart('adapter 304', await sample(adapter, conditional), '304', `etag: ${ETAG}`);
expectStart('raw 304', await sample(raw, conditional), '304', `etag: ${ETAG}`);
expectStart('adapter 200', await sample(adapter, plain), '200', 'cache-control: max-age=0, s-maxage=3600');

// RAM hit: the ramNodeHit server's set-up; the raw side sends the bytes of the adapter's hit.
const ram = new RamCacheManager({ bus: false, maxBytes: '64MB' });
const ramCaching = createRamBenchCaching(ram);
const ramAdapter = cachingHandler(
  ramCaching,
  (_req, res) => {
    res.setHeader('Content-Type', CONTENT_TYPE);
    res.end(BODY);
  },
  { ruleset: 'bench.page' },
);
await sample(ramAdapter, plain);
const hit = await sample(ramAdapter, plain);
expectStart('RAM hit', hit, '200', 'x-ramcache');
const hitHeaders: [string, string][] = hit
  .slice(0, hit.indexOf('\r\n\r\n'))
  .split('\r\n')
  .slice(1)
  .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as [string, string])
  .filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name.toLowerCase()));
const hitHeaderObject = Object.fromEntries(hitHeaders);
const body = Buffer.from(BODY);
const rawHit: Handler = (_req, res) => {
  res.writeHead(200, hitHeaderObject);
  res.end(body);
};

console.log(`in-process request path, ${ROUNDS} rounds of ${REQUESTS} requests, median`);
await compare('304 answer', '304', raw, adapter, conditional);
await compare('full 200 (20 KB page)', '200', raw, adapter, plain);
await compare('RAM-cache hit (same bytes)', 'ram', rawHit, ramAdapter, plain);
await ram.close();
