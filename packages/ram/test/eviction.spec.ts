import { describe, expect, it } from 'vitest';
import { RamCacheManager } from '../src/index.js';
import { fillOf, info, managersClosedAfterEach, response } from './support/helpers.js';

const manager = managersClosedAfterEach();

async function put(ram: RamCacheManager, key: string, bytes: number): Promise<void> {
  fillOf(await ram.lookup(key)).store(info(key, `/${key}`), response(new Uint8Array(bytes).fill(97)));
}

describe('least recently used by bytes (DESIGN §3 replaces the ancestor LFU cleanup)', () => {
  it('under a long stream of inserts of random sizes, a full cache stays full: never above the budget, never emptied', async () => {
    const ram = manager({ maxBytes: 512 * 1024, maxEntryBytes: 16 * 1024 });
    const { maxBytes, maxEntryBytes } = ram.statistics();
    let full = false;
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    // A hot page, read between every insert: recency keeps it cached however much churns around it.
    await put(ram, 'hot', 2000);
    for (let i = 0; i < 5000; i += 1) {
      await put(ram, `page${i}`, 1 + Math.floor(rand() * 12_000));
      expect((await ram.lookup('hot')).response).toBeDefined();
      const { bytes, entries } = ram.statistics();
      expect(bytes).toBeLessThanOrEqual(maxBytes);
      if (bytes > maxBytes - maxEntryBytes) full = true;
      if (full) {
        // An insert evicts only what it needs room for: at most one entry's worth below the budget.
        expect(bytes).toBeGreaterThan(maxBytes - maxEntryBytes);
        expect(entries).toBeGreaterThan(20);
      }
    }
    expect(full).toBe(true);
    expect(ram.statistics().evictions).toBeGreaterThan(4000);
  });

  it('evicts the least recently used, not the least frequently used (the ancestor’s SCM-8 example)', async () => {
    // The ancestor, threshold 2, access counts [0, 0, 1, 5]: deleted both 0-count entries. With equal
    // counts it deleted everything. Here: room for two; reads make entries recent; one insert evicts one.
    const ram = manager({ maxEntries: 2, maxBytes: 1024 * 1024 });
    await put(ram, 'a', 10);
    await put(ram, 'b', 10);
    for (let i = 0; i < 5; i += 1) await ram.lookup('a');
    await ram.lookup('b');
    await put(ram, 'c', 10);
    expect((await ram.lookup('b')).response).toBeDefined();
    expect((await ram.lookup('c')).response).toBeDefined();
    expect(ram.statistics()).toMatchObject({ entries: 2, evictions: 1 });
    // 'a' was read five times, but longest ago: it is the one that went.
    expect((await ram.lookup('a')).response).toBeUndefined();
  });

  it('never empties itself when nothing was read (the ancestor deleted the whole cache when all counts were equal)', async () => {
    const ram = manager({ maxEntries: 100, maxBytes: 1024 * 1024 });
    for (let i = 0; i < 1000; i += 1) await put(ram, `k${i}`, 10);
    expect(ram.statistics().entries).toBe(100);
    for (let i = 900; i < 1000; i += 1) expect((await ram.lookup(`k${i}`)).response).toBeDefined();
  });

  it('counts evictions on the row of the object that lost the entry', async () => {
    const ram = manager({ maxEntries: 1, maxBytes: 1024 * 1024 });
    await put(ram, 'a', 10);
    await put(ram, 'b', 10);
    expect(ram.report().find((r) => r.path === '/a')).toMatchObject({ evictions: 1, entries: 0 });
  });
});
