/**
 * Memory per RAM store entry and how the RAM hit grows with the number of entries (bars: per-entry
 * heap overhead ≤ 2 × lru-cache's on the same keys and values; a hit with 1M entries within 1.5 × of
 * one with 10k).
 *
 * Each measurement runs in a fresh process (this script started with a mode): the keys and the
 * stored responses are built first and kept, the heap is measured after a full GC, then the entries
 * are inserted and the heap measured again, so the difference per entry is what the store itself
 * holds besides the value (the response, whose body is one shared buffer). The hit time is the
 * median of rounds of `lookup(key)` over a fixed shuffled order of keys.
 *
 *   npx tsc -b bench && node bench/dist/ramMemory.js [--check]
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { RamCacheManager } from '@cacheset/ram';
import { LRUCache } from 'lru-cache';
import { type ResponseCacheLookup, type StoredResponse } from '@cacheset/core';
import { emitRows } from './lib/benchRows.js';
import { median } from './lib/pairRunner.js';

interface Measured {
  readonly mode: string;
  readonly count: number;
  readonly bytesPerEntry: number;
  readonly nsPerHit: number;
}

async function child(mode: string, count: number): Promise<Measured> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--max-old-space-size=8192', fileURLToPath(import.meta.url), mode, String(count)],
    { maxBuffer: 1 << 20, timeout: 600_000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Measured;
}

function measure(mode: 'ram' | 'lru' | 'ram-onepath', count: number): Measured {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const body = new Uint8Array(512).fill(60);
  const keys: string[] = [];
  const responses: StoredResponse[] = [];
  for (let i = 0; i < count; i += 1) {
    keys.push(`|"|1793525400|v1"||www.example.com/section${i % 50}/page${i}?view=full\naccept-language:en`);
    responses.push({
      status: 200,
      headers: [
        ['content-type', 'text/html; charset=utf-8'],
        ['cache-control', 'max-age=0, s-maxage=3600'],
      ],
      body,
      storedAt: Date.now(),
    });
  }
  const quiet = { warn: () => undefined, error: () => undefined };
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  let get: (key: string) => unknown;
  let keep: unknown;
  if (mode !== 'lru') {
    const ram = new RamCacheManager({
      bus: false,
      logger: quiet,
      maxBytes: '16GB',
      maxEntries: Math.max(1_000, count * 2),
      maxAge: 3600,
    });
    for (let i = 0; i < count; i += 1) {
      const key = keys[i] as string;
      const lookup = ram.lookup(key) as ResponseCacheLookup;
      lookup.fill?.store(
        // ram-onepath files every entry under one page: the entry's own cost, without a group per page.
        { key, path: mode === 'ram' ? `/section${i % 50}/page${i}` : '/one', ruleset: 'bench.page', surrogateKeys: [] },
        responses[i] as StoredResponse,
      );
    }
    if (ram.statistics().entries !== count)
      throw new Error(`expected ${count} entries, got ${ram.statistics().entries}`);
    get = (key) => (ram.lookup(key) as ResponseCacheLookup).response;
    keep = ram;
  } else {
    const lru = new LRUCache<string, StoredResponse>({
      max: Math.max(1_000, count * 2),
      maxSize: 16 * 1024 ** 3,
      sizeCalculation: (r) => r.body.byteLength + 1000,
      ttl: 3_600_000,
    });
    for (let i = 0; i < count; i += 1) lru.set(keys[i] as string, responses[i] as StoredResponse);
    get = (key) => lru.get(key);
    keep = lru;
  }
  gc();
  gc();
  const bytesPerEntry = (process.memoryUsage().heapUsed - before) / count;
  const order = Array.from({ length: 1 << 16 }, (_, i) => keys[(i * 7919) % count] as string);
  const mask = order.length - 1;
  const iterations = 1_000_000;
  const rounds: number[] = [];
  let found = 0;
  for (let r = 0; r < 9; r += 1) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i += 1) if (get(order[i & mask] as string) !== undefined) found += 1;
    rounds.push(Number(process.hrtime.bigint() - started) / iterations);
  }
  if (found !== 9 * iterations) throw new Error(`${mode}: ${9 * iterations - found} lookups missed`);
  if (keep === undefined) throw new Error('unreachable');
  return { mode, count, bytesPerEntry, nsPerHit: median(rounds.slice(2)) };
}

const [mode, countArg] = process.argv.slice(2);
if (mode === 'ram' || mode === 'lru' || mode === 'ram-onepath') {
  console.log(JSON.stringify(measure(mode, Number(countArg))));
} else {
  const memRam = await child('ram', 100_000);
  const memLru = await child('lru', 100_000);
  const memOne = await child('ram-onepath', 100_000);
  const lru10k = await child('lru', 10_000);
  const grow: Measured[] = [];
  for (const count of [10, 10_000, 1_000_000]) grow.push(await child('ram', count));
  const lru1m = await child('lru', 1_000_000);
  console.log('heap per entry besides its value, 100k entries (fresh process each):');
  console.log(`  RAM store ${memRam.bytesPerEntry.toFixed(0)} B, lru-cache ${memLru.bytesPerEntry.toFixed(0)} B`);
  console.log(`  of which the entry itself (all entries under one page): ${memOne.bytesPerEntry.toFixed(0)} B`);
  const memRatio = memRam.bytesPerEntry / memLru.bytesPerEntry;
  console.log(`  ratio ${memRatio.toFixed(2)} (bar <= 2.00)`);
  console.log('RAM hit (store lookup) by number of entries:');
  for (const g of grow)
    console.log(`  ${String(g.count).padStart(9)} entries ${g.nsPerHit.toFixed(0).padStart(6)} ns per hit`);
  console.log(
    `  lru-cache get: 10k entries ${lru10k.nsPerHit.toFixed(0)} ns, 1M entries ${lru1m.nsPerHit.toFixed(0)} ns (1M / 10k ${(lru1m.nsPerHit / lru10k.nsPerHit).toFixed(2)})`,
  );
  const hit10k = grow[1] as Measured;
  const hit1m = grow[2] as Measured;
  const growth = hit1m.nsPerHit / hit10k.nsPerHit;
  console.log(`  1M / 10k: ${growth.toFixed(2)} (bar <= 1.50)`);
  emitRows('ramMemory', [
    {
      id: 'ram-entry-bytes',
      label: 'heap per RAM store entry besides its value vs lru-cache',
      value: memRam.bytesPerEntry,
      unit: 'B',
      reference: memLru.bytesPerEntry,
      referenceLabel: 'lru-cache, same keys and values',
      ratio: memRatio,
      bar: 2,
      barIsMax: true,
    },
    {
      id: 'ram-hit-1m',
      label: 'RAM hit with 1M entries vs with 10k',
      value: hit1m.nsPerHit,
      unit: 'ns',
      reference: hit10k.nsPerHit,
      referenceLabel: '10k entries',
      ratio: growth,
      bar: 1.5,
      barIsMax: true,
    },
    ...grow.map((g) => ({
      id: `ram-hit-${g.count}`,
      label: `RAM hit, ${g.count} entries`,
      value: g.nsPerHit,
      unit: 'ns',
    })),
    {
      id: 'ram-entry-bytes-onepath',
      label: 'heap per entry, all under one page',
      value: memOne.bytesPerEntry,
      unit: 'B',
    },
    { id: 'lru-hit-10k', label: 'lru-cache get, 10k entries', value: lru10k.nsPerHit, unit: 'ns' },
    { id: 'lru-hit-1m', label: 'lru-cache get, 1M entries', value: lru1m.nsPerHit, unit: 'ns' },
  ]);
}
