/**
 * How the shared tier's read is sent (reported, no bar): an L2 hit reads the site's invalidation
 * counter and the entry. The tier stores an entry as one string (its epoch, then its bytes) and reads
 * both with one MGET; the earlier layouts are kept for comparison: a hash read beside the counter as
 * two commands issued together, as an explicit `pipeline()`, or through ioredis's auto-pipelining.
 * Each against one raw `GET` of the same 20 KB; one process, 32 in flight, rounds alternating,
 * median of six.
 *
 *   npx tsc -b bench && node bench/dist/redisFence.js
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { emitRows } from './lib/benchRows.js';
import { median } from './lib/pairRunner.js';
import { startRedisServer } from './lib/redisServer.js';

const ROUNDS = 6;
const SECONDS = 1.5;
const IN_FLIGHT = 32;
const PAGES = 1_000;

async function opsPerSecond(op: (i: number) => Promise<unknown>, seconds = SECONDS): Promise<number> {
  let done = 0;
  let next = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        await op(next++);
        done += 1;
      }
    }),
  );
  return done / seconds;
}

const redis = await startRedisServer();
const writer = new Redis(redis.port, '127.0.0.1');
const plain = new Redis(redis.port, '127.0.0.1');
const auto = new Redis(redis.port, '127.0.0.1', { enableAutoPipelining: true });
try {
  const body = Buffer.alloc(20 * 1024, 60);
  const keys = Array.from(
    { length: PAGES },
    (_, i) => `bench:e:${createHash('sha256').update(String(i)).digest('base64url')}`,
  );
  const stringKeys = keys.map((k) => `${k}:string`);
  for (const [i, key] of keys.entries()) {
    await writer.hset(key, 'e', '5', 'f', 'x:/page', 'b', body);
    await writer.set(stringKeys[i] as string, Buffer.concat([Buffer.from('0000000000000005\n'), body]));
  }
  await writer.set('bench:epoch', '5');
  const key = (i: number): string => keys[i % PAGES] as string;
  const stringKey = (i: number): string => stringKeys[i % PAGES] as string;
  const variants: readonly (readonly [string, string, (i: number) => Promise<unknown>])[] = [
    ['fence-raw', 'one raw GET of the entry', (i) => plain.getBuffer(stringKey(i))],
    ['fence-mget', 'counter and entry in one MGET (the tier)', (i) => plain.mgetBuffer('bench:epoch', stringKey(i))],
    [
      'fence-together',
      'counter and a hash entry, two commands issued together',
      (i) => Promise.all([plain.get('bench:epoch'), plain.hmgetBuffer(key(i), 'e', 'b')]),
    ],
    [
      'fence-pipeline',
      'counter and a hash entry in a pipeline()',
      (i) => plain.pipeline().get('bench:epoch').hmgetBuffer(key(i), 'e', 'b').exec(),
    ],
    [
      'fence-autopipelining',
      'counter and a hash entry through auto-pipelining',
      (i) => Promise.all([auto.get('bench:epoch'), auto.hmgetBuffer(key(i), 'e', 'b')]),
    ],
  ];
  for (const [, , op] of variants) await opsPerSecond(op, 0.3);
  const results = new Map<string, number[]>(variants.map(([id]) => [id, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const [id, , op] of order) results.get(id)?.push(await opsPerSecond(op));
  }
  const raw = median(results.get('fence-raw') ?? []);
  console.log(`The shared tier's read, 20 KB entries, ${IN_FLIGHT} in flight, median of ${ROUNDS} alternating rounds:`);
  for (const [id, label] of variants) {
    const figures = results.get(id) ?? [];
    console.log(
      `  ${label.padEnd(62)} ${Math.round(median(figures))} ops/s (${Math.round(Math.min(...figures))}–${Math.round(Math.max(...figures))})`,
    );
  }
  emitRows(
    'redisFence',
    variants
      .filter(([id]) => id !== 'fence-raw')
      .map(([id, label]) => {
        const figures = results.get(id) ?? [];
        return {
          id,
          label: `shared tier's read: ${label}, vs one raw GET`,
          value: median(figures),
          unit: 'ops/s',
          reference: raw,
          referenceLabel: 'one raw GET',
          ratio: median(figures) / raw,
        };
      }),
  );
} finally {
  writer.disconnect();
  plain.disconnect();
  auto.disconnect();
  await redis.stop();
}
