/**
 * A hit in the shared tier (Redis) vs a raw Redis GET round trip of the same bytes (bar: ≥ 0.7 × at 32
 * in flight). Starts its own redis-server on a free loopback port with a temporary directory.
 *
 * - "raw GET": ioredis `getBuffer` of the entry's bytes stored under a plain key: one round trip, no
 *   checks.
 * - "L2 hit": `RamCacheManager.lookup` in a process whose own tier does not hold the page: one
 *   MGET of the site's invalidation counter and the entry (no invalidation since it was stored, so no
 *   script), then decoding, the safety checks, and keeping the page in the process's tier (which is
 *   kept small here, so that the next key is again an L2 hit).
 *
 * Both read 20 KB pages, one request at a time (latency) and 32 at a time (throughput). Each of the
 * `--rounds` repetitions (at least 5) runs in a fresh process with its own redis-server and measures
 * both candidates, alternating which goes first (A B, then B A, ...); the medians and ranges over the
 * repetitions are printed, and last the result line for `npm run bench` (one row per concurrency;
 * the bar, ≥ 0.7 × at 32 in flight, is the issue's).
 *
 *   npx tsc -b bench && node bench/dist/ramRedis.js [--seconds 2] [--rounds 5]
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { RamCacheManager } from '@cacheset/ram';
import { Redis } from 'ioredis';
import { emitRows } from './lib/benchRows.js';
import { startRedisServer } from './lib/redisServer.js';
import { BODY } from './servers/benchSite.js';
import { type ResponseCacheLookup } from '@cacheset/core';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(name);
  return i < 0 ? fallback : Number(argv[i + 1]);
};
const SECONDS = flag('--seconds', 2);
const ROUNDS = Math.max(5, flag('--rounds', 5));
/** In a child: this repetition's index (its parity decides which candidate goes first). */
const CHILD = flag('--child', -1);
const BAR = 0.7;
const CONCURRENCIES = [1, 32] as const;
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

/** One repetition: both candidates once, in the order this repetition's parity gives. */
async function compare(
  candidates: readonly (readonly [string, (i: number) => Promise<unknown>])[],
  concurrency: number,
  first: number,
): Promise<number[]> {
  const results = candidates.map(() => 0);
  // A short warm-up of each, so neither pays for connections and JIT in its measured second.
  for (const [, op] of candidates) await measureFor(op, concurrency, 0.3);
  const order = first % 2 === 0 ? candidates.map((_, i) => i) : candidates.map((_, i) => candidates.length - 1 - i);
  for (const i of order) results[i] = await measure((candidates[i] as (typeof candidates)[number])[1], concurrency);
  return results;
}

async function measureFor(op: (i: number) => Promise<unknown>, concurrency: number, seconds: number): Promise<void> {
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) await op(next++);
    }),
  );
}

interface Sample {
  readonly concurrency: number;
  readonly raw: number;
  readonly l2: number;
}

const spread = (values: readonly number[]): { median: number; min: number; max: number } => {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number): number => Math.round(v * 100) / 100;
  return {
    median: round(sorted[Math.floor(sorted.length / 2)] as number),
    min: round(sorted[0] as number),
    max: round(sorted[sorted.length - 1] as number),
  };
};

if (CHILD < 0) {
  // The parent: fresh processes, one per repetition, alternating the order.
  const samples: Sample[] = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    const child = spawn(
      process.execPath,
      [process.argv[1] as string, '--child', String(r), '--seconds', String(SECONDS)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`repetition ${r + 1} failed (exit ${code}):\n${out}`);
    for (const line of out.split('\n')) if (line.startsWith('{')) samples.push(JSON.parse(line) as Sample);
  }
  console.log(`L2 hit vs raw Redis GET, 20 KB pages, ${ROUNDS} fresh-process repetitions of ${SECONDS} s, A B / B A`);
  const results = CONCURRENCIES.map((concurrency) => {
    const mine = samples.filter((s) => s.concurrency === concurrency);
    const raw = spread(mine.map((s) => s.raw));
    const l2 = spread(mine.map((s) => s.l2));
    const ratio = spread(mine.map((s) => s.l2 / s.raw));
    console.log(
      `  ${String(concurrency).padStart(2)} in flight: raw GET ${raw.median} ops/s (${raw.min}-${raw.max}), ` +
        `L2 hit ${l2.median} ops/s (${l2.min}-${l2.max}), ratio ${ratio.median} (${ratio.min}-${ratio.max})`,
    );
    return { concurrency, rawOps: raw, l2Ops: l2, ratio };
  });
  const at32 = results.find((r) => r.concurrency === 32)?.ratio.median ?? 0;
  console.log(`  bar: L2 hit >= ${BAR} x raw GET at 32 in flight: ${at32 >= BAR ? 'pass' : 'MISSED'}`);
  emitRows(
    'ramRedis',
    results.map((r) => ({
      id: r.concurrency === 32 ? 'redis-hit' : `redis-hit-${r.concurrency}`,
      label: `shared-tier (Redis) hit vs a raw Redis GET of the same bytes, ${r.concurrency} in flight`,
      value: r.l2Ops.median,
      unit: 'ops/s',
      reference: r.rawOps.median,
      referenceLabel: 'raw ioredis GET',
      ratio: r.ratio.median,
      ratioRange: [r.ratio.min, r.ratio.max] as const,
      ...(r.concurrency === 32 ? { bar: BAR } : {}),
    })),
    { rounds: ROUNDS, seconds: SECONDS },
  );
  process.exit(process.exitCode ?? 0);
}

const redis = await startRedisServer();
const managers: RamCacheManager[] = [];
const client = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
try {
  await client.connect();
  const { url } = redis;
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
    const entry = await client.getBuffer(`bench:v:${createHash('sha256').update(key).digest('base64url')}`);
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
  for (const concurrency of CONCURRENCIES) {
    const [base, ours] = (await compare(
      [
        ['raw GET', raw],
        ['L2 hit', l2],
      ],
      concurrency,
      CHILD,
    )) as [number, number];
    console.log(JSON.stringify({ concurrency, raw: base, l2: ours }));
  }
  const stats = reader.statistics();
  if ((stats.redis?.errors ?? 0) > 0) throw new Error(`${stats.redis?.errors} Redis errors during the run`);
} finally {
  await Promise.all(managers.map((m) => m.close()));
  client.disconnect();
  await redis.stop();
}
