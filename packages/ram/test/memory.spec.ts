import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { expect, it } from 'vitest';
import { RamCacheManager } from '../src/index.js';
import { fillOf, info, recordingLogger } from './support/helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heap(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** A small, fast, seeded generator: the run is the same every time. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

it(
  'keeps a million inserts of random sizes within the byte budget, and the heap within the budget + 10%',
  { timeout: 120_000 },
  async () => {
    const budget = 64 * 1024 * 1024;
    const before = heap();
    const ram = new RamCacheManager({
      bus: false,
      logger: recordingLogger(),
      maxBytes: budget,
      maxEntryBytes: 64 * 1024,
      maxAge: 0,
      abandonedKeyTtlMs: 0,
    });
    const next = random(42);
    // Bodies are slices of one big buffer, as pooled Buffers are: the store must copy exactly the body.
    const source = new Uint8Array(64 * 1024).fill(120);
    const headers: readonly (readonly [string, string])[] = [
      ['content-type', 'text/html; charset=utf-8'],
      ['cache-control', 'max-age=0, s-maxage=60'],
      ['etag', '"abc123"'],
    ];
    let maxSeen = 0;
    for (let i = 0; i < 1_000_000; i += 1) {
      // Mostly small pages, some large ones: sizes from 1 byte to 16 KiB, skewed small (mean about 3 KiB).
      const size = 1 + Math.floor(next() ** 4 * 16 * 1024);
      const key = `example.com/page/${i % 50_000}?v=${Math.floor(next() * 1e9)}`;
      // A miss without a shared tier answers synchronously; awaiting it anyway would only add a tick.
      const pending = ram.lookup(key);
      const lookup = pending instanceof Promise ? await pending : pending;
      fillOf(lookup).store(info(key, `/section${i % 100}/page${i % 50_000}`, ['tag:x']), {
        status: 200,
        headers,
        body: source.subarray(0, size),
        storedAt: 0,
      });
      if ((i & 1023) === 0) {
        const bytes = ram.statistics().bytes;
        if (bytes > maxSeen) maxSeen = bytes;
      }
    }
    const stats = ram.statistics();
    const growth = heap() - before;
    console.log(
      `memory: ${stats.entries} entries, accounted ${(stats.bytes / 2 ** 20).toFixed(1)} MiB of ${(budget / 2 ** 20).toFixed(0)} MiB, heap growth ${(growth / 2 ** 20).toFixed(1)} MiB (${((growth / budget) * 100).toFixed(1)}% of the budget), ${stats.evictions} evictions`,
    );
    expect(stats.stores).toBe(1_000_000);
    expect(maxSeen).toBeLessThanOrEqual(budget);
    expect(stats.bytes).toBeLessThanOrEqual(budget);
    // Full, not emptied: within one largest entry of the budget.
    expect(stats.bytes).toBeGreaterThan(budget - 64 * 1024);
    expect(stats.entries).toBeGreaterThan(10_000);
    expect(growth).toBeLessThanOrEqual(budget * 1.1);
    // The accounting is honest, not inflated: the heap really holds most of what is charged.
    expect(growth).toBeGreaterThan(budget * 0.7);
    await ram.close();
    const afterClose = heap() - before;
    expect(afterClose).toBeLessThan(budget * 0.2);
  },
);
