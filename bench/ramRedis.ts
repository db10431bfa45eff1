/**
 * A hit in the shared tier (Redis) vs a raw Redis GET round trip of the same bytes (reported; no bar
 * in DESIGN.md §5). Starts its own redis-server on a free loopback port with a temporary directory.
 *
 * - "raw GET": ioredis `getBuffer` of the entry's bytes stored under a plain key: one round trip, no
 *   checks.
 * - "L2 hit": `RamCacheManager.lookup` in a process whose own tier does not hold the page: one
 *   round trip running the read script (entry, invalidation records and epoch checked atomically in
 *   Redis), then decoding, the safety checks, and keeping the page in the process's tier (which
 *   is kept small here, so that the next key is again an L2 hit).
 *
 * Both read 20 KB pages, one request at a time (latency) and 32 at a time (throughput).
 *
 *   npx tsc -b bench && node bench/dist/ramRedis.js [--seconds 2] [--rounds 5]
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RamCacheManager } from '@cacheset/ram';
import { Redis } from 'ioredis';
import { freeLoopbackPort, waitForPort } from './lib/ports.js';
import { BODY } from './servers/benchSite.js';
import { type ResponseCacheLookup } from '@cacheset/core';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(name);
  return i < 0 ? fallback : Number(argv[i + 1]);
};
const SECONDS = flag('--seconds', 2);
const ROUNDS = flag('--rounds', 5);
const PAGES = 1_000;
const quiet = { warn: () => undefined, error: () => undefined };

/** Runs `op` for `SECONDS` with `concurrency` in flight; operations per second. */
async function measure(op: (i: number) => Promise<unknown>, concurrency: number): Promise<number> {
  let done = 0;
  let next = 0;
  const deadline = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await op(next++);
        done += 1;
      }
    }),
  );
  return done / SECONDS;
}

/** Alternating rounds, median per candidate (the same noise hits both). */
async function compare(
  candidates: readonly (readonly [string, (i: number) => Promise<unknown>])[],
  concurrency: number,
): Promise<number[]> {
  const samples = candidates.map(() => [] as number[]);
  for (const [, op] of candidates) await measure(op, concurrency);
  for (let r = 0; r < ROUNDS; r += 1) {
    const order = r % 2 === 0 ? candidates.map((_, i) => i) : candidates.map((_, i) => candidates.length - 1 - i);
    for (const i of order)
      (samples[i] as number[]).push(await measure((candidates[i] as (typeof candidates)[number])[1], concurrency));
  }
  return samples.map((s) => [...s].sort((a, b) => a - b)[Math.floor(s.length / 2)] as number);
}

const dir = await mkdtemp(join(tmpdir(), 'cacheset-bench-redis-'));
const port = await freeLoopbackPort();
const server = spawn(
  'redis-server',
  [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
  ],
  { stdio: 'ignore' },
);
// Should this process die on an error, the server must not outlive it.
process.once('exit', () => server.kill('SIGKILL'));
const managers: RamCacheManager[] = [];
const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
try {
  await waitForPort(port, 'redis-server', { child: server, timeoutMs: 10_000 });
  await client.connect();
  const url = `redis://127.0.0.1:${port}`;
  const writer = new RamCacheManager({ bus: false, logger: quiet, redis: { url, prefix: 'bench:' } });
  // The reader's own tier holds 16 pages: cycling through 1 000, every lookup is an L2 hit.
  const reader = new RamCacheManager({
    bus: false,
    logger: quiet,
    maxEntries: 16,
    maxBytes: '16MB',
    redis: { url, prefix: 'bench:', commandTimeoutMs: 2_000 },
  });
  managers.push(writer, reader);
  while (writer.redisState !== 'up' || reader.redisState !== 'up') await new Promise((r) => setTimeout(r, 20));
  const body = Buffer.from(BODY);
  const keys = Array.from({ length: PAGES }, (_, i) => `www.example.com/pages/${i}`);
  for (const [i, key] of keys.entries()) {
    const lookup = (await writer.lookup(key)) as ResponseCacheLookup;
    lookup.fill?.store(
      { key, path: `/pages/${i}`, ruleset: 'bench.page', surrogateKeys: [] },
      {
        status: 200,
        headers: [
          ['content-type', 'text/html; charset=utf-8'],
          ['cache-control', 'max-age=0, s-maxage=3600'],
        ],
        body,
        storedAt: Date.now(),
      },
    );
  }
  while ((writer.statistics().redis?.writes ?? 0) < PAGES) await new Promise((r) => setTimeout(r, 20));
  // The raw baseline reads the very same stored bytes under plain string keys.
  for (const key of keys) {
    const entry = await client.hgetBuffer(`bench:e:${createHash('sha256').update(key).digest('base64url')}`, 'b');
    if (entry === null) throw new Error('entry missing from Redis');
    await client.set(`raw:${key}`, entry);
  }
  const rawKeys = keys.map((k) => `raw:${k}`);
  const raw = async (i: number): Promise<unknown> => {
    const value = await client.getBuffer(rawKeys[i % PAGES] as string);
    if (value === null) throw new Error('raw miss');
    return value;
  };
  const l2 = async (i: number): Promise<unknown> => {
    const lookup = await reader.lookup(keys[i % PAGES] as string);
    if (lookup.response === undefined) throw new Error('L2 miss');
    return lookup;
  };
  console.log(
    `${PAGES} pages of ${body.length} bytes in a local redis-server, ${ROUNDS} rounds of ${SECONDS} s, median`,
  );
  for (const concurrency of [1, 32]) {
    const [base, ours] = (await compare(
      [
        ['raw GET', raw],
        ['L2 hit', l2],
      ],
      concurrency,
    )) as [number, number];
    console.log(
      `${concurrency === 1 ? 'one at a time (round-trip latency)' : `${concurrency} in flight (throughput)`}`,
    );
    console.log(
      `  raw Redis GET (ioredis getBuffer)   ${Math.round(base).toString().padStart(7)} ops/s  (${(1e6 / base).toFixed(0)} us each)`,
    );
    console.log(
      `  RAM manager L2 hit                  ${Math.round(ours).toString().padStart(7)} ops/s  (${(1e6 / ours).toFixed(0)} us each)`,
    );
    console.log(`  ratio: ${(ours / base).toFixed(2)}`);
  }
  const stats = reader.statistics();
  console.log(
    `reader: ${stats.redis?.hits ?? 0} L2 hits, ${stats.hits} hits in all, ${stats.redis?.errors ?? 0} Redis errors`,
  );
} finally {
  await Promise.all(managers.map((m) => m.close()));
  client.disconnect();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await rm(dir, { recursive: true, force: true });
}
