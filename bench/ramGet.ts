/**
 * RAM store get vs `lru-cache` get on the same keys, in one run (DESIGN.md §5 bar: ≥ 0.8×).
 *
 * Both hold the same 10 000 stored responses under the same keys, with the same limits (entry count,
 * byte budget with a size function, a TTL): the baseline is the library the store is built on, used
 * directly. "store get" is `RamCacheManager.lookup(key)` answering a hit, what the `ramCache`
 * operation calls on every request: key check, LRU get with lazy expiry, per-object and total hit
 * statistics, and the ready-made `{ response }` answer.
 *
 *   npx tsc -b bench && node bench/dist/ramGet.js [--check]
 */
import { RamCacheManager } from '@cacheset/ram';
import { LRUCache } from 'lru-cache';
import { emitRows } from './lib/benchRows.js';
import { compareThroughput, formatOps } from './lib/compareThroughput.js';
import { type ResponseCacheLookup, type StoredResponse } from '@cacheset/core';

const BAR = 0.8;
const COUNT = Number(process.env.RAM_BENCH_COUNT ?? 10_000);
const quiet = { warn: () => undefined, error: () => undefined };

const ram = new RamCacheManager({ bus: false, logger: quiet, maxBytes: '256MB', maxEntries: 20_000, maxAge: 3600 });
const keys: string[] = [];
const responses: StoredResponse[] = [];
for (let i = 0; i < COUNT; i += 1) {
  const key = `|"|1793525400|v1"||www.example.com/section${i % 50}/page${i}?view=full\naccept-language:en`;
  const response: StoredResponse = {
    status: 200,
    headers: [
      ['content-type', 'text/html; charset=utf-8'],
      ['cache-control', 'max-age=0, s-maxage=3600'],
    ],
    body: new Uint8Array(512 + (i % 7) * 100).fill(60),
    storedAt: Date.now(),
  };
  const lookup = ram.lookup(key) as ResponseCacheLookup;
  lookup.fill?.store({ key, path: `/section${i % 50}/page${i}`, ruleset: 'bench.page', surrogateKeys: [] }, response);
  keys.push(key);
  responses.push((ram.lookup(key) as ResponseCacheLookup).response as StoredResponse);
}
if (ram.statistics().entries !== COUNT) throw new Error(`expected ${COUNT} entries, got ${ram.statistics().entries}`);

// The same limits as the store's LRU: count, bytes with a size function, a one-hour TTL.
const lru = new LRUCache<string, StoredResponse>({
  max: 20_000,
  maxSize: 256 * 1024 * 1024,
  sizeCalculation: (r) => r.body.byteLength + 1000,
  ttl: 3_600_000,
});
const plain = new LRUCache<string, StoredResponse>({ max: 20_000 });
for (let i = 0; i < COUNT; i += 1) {
  lru.set(keys[i] as string, responses[i] as StoredResponse);
  plain.set(keys[i] as string, responses[i] as StoredResponse);
}

// A fixed, shuffled access order: both sides read the same keys in the same order.
const order = Array.from({ length: 1 << 16 }, (_, i) => (i * 7919) % COUNT);
const mask = order.length - 1;
const loop = (iterations: number, body: (key: string) => number): number => {
  let total = 0;
  for (let i = 0; i < iterations; i += 1) total += body(keys[order[i & mask] as number] as string);
  return total;
};

const results = compareThroughput(
  [
    { name: 'lru-cache get (same options)', run: (it) => loop(it, (k) => lru.get(k)?.status ?? 0) },
    {
      name: 'RamCacheManager.lookup (hit)',
      run: (it) => loop(it, (k) => (ram.lookup(k) as ResponseCacheLookup).response?.status ?? 0),
    },
    { name: 'lru-cache get (no TTL, no sizes)', run: (it) => loop(it, (k) => plain.get(k)?.status ?? 0) },
  ],
  { iterations: 1_000_000, rounds: 11 },
);

const [baseline, ours, bare] = results as [
  (typeof results)[number],
  (typeof results)[number],
  (typeof results)[number],
];
const ratio = ours.opsPerSecond / baseline.opsPerSecond;
console.log(`${COUNT} stored responses, the same keys read in the same order`);
for (const r of [baseline, ours, bare]) console.log(`  ${r.name.padEnd(36)} ${formatOps(r.opsPerSecond)}`);
console.log(`  ratio store / lru-cache (same options): ${ratio.toFixed(2)} (bar >= ${BAR.toFixed(2)})`);
console.log(`  ratio store / bare lru-cache (informational): ${(ours.opsPerSecond / bare.opsPerSecond).toFixed(2)}`);
const stats = ram.statistics();
if (stats.hits < 1_000_000) throw new Error('the store did not answer from its entries');
await ram.close();
emitRows('ramGet', [
  {
    id: 'ram-get',
    label: 'RAM store get vs lru-cache get (same options)',
    value: ours.opsPerSecond,
    unit: 'ops/s',
    reference: baseline.opsPerSecond,
    referenceLabel: baseline.name,
    ratio,
    bar: BAR,
  },
]);
