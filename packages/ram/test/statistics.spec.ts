import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RamCacheManager } from '../src/index.js';
import { fillOf, info, managersClosedAfterEach, manualClock, response } from './support/helpers.js';

const manager = managersClosedAfterEach();

async function hit(ram: RamCacheManager, path: string, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) await ram.lookup(`h${path}`);
}

async function page(ram: RamCacheManager, path: string, bytes = 100, ruleset = 'site.page'): Promise<void> {
  fillOf(await ram.lookup(`h${path}`)).store(
    info(`h${path}`, path, [], ruleset),
    response(new Uint8Array(bytes).fill(1)),
  );
}

describe('statistics per object and in total', () => {
  it('reports hits, real misses, stores, entries, bytes and views per object', async () => {
    const ram = manager();
    await page(ram, '/a', 100, 'site.frontpage');
    await page(ram, '/b', 5000);
    await hit(ram, '/a', 3);
    await ram.values.set('/a', 'teaser', { view: 'teaser' });
    await ram.values.set('/a', 'default view');
    await ram.values.get('/a', { view: 'missing' });
    const rows = ram.report();
    expect(rows[0]).toMatchObject({
      path: '/a',
      kind: 'response',
      hits: 3,
      misses: 1,
      stores: 1,
      entries: 1,
      views: ['site.frontpage'],
    });
    const values = rows.find((r) => r.kind === 'value');
    expect(values).toMatchObject({ path: '/a', misses: 1, stores: 2, entries: 2, views: ['<default>', 'teaser'] });
    const b = rows.find((r) => r.path === '/b');
    expect(b?.bytes).toBeGreaterThan(5000);
    const total = ram.statistics();
    expect(total).toMatchObject({ hits: 3, misses: 3, stores: 4, entries: 4, objects: 3 });
    expect(total.bytes).toBe(rows.reduce((sum, r) => sum + r.bytes, 0) + total.reservedBytes);
  });

  it('sorts by any column, either way, and cuts to a limit', async () => {
    const ram = manager();
    await page(ram, '/a', 100);
    await page(ram, '/b', 9000);
    await page(ram, '/c', 2000);
    await hit(ram, '/c', 5);
    await hit(ram, '/a', 1);
    expect(ram.report().map((r) => r.path)).toEqual(['/c', '/a', '/b']);
    expect(ram.report({ sortBy: 'bytes' }).map((r) => r.path)).toEqual(['/b', '/c', '/a']);
    expect(ram.report({ sortBy: 'bytes', order: 'asc', limit: 2 }).map((r) => r.path)).toEqual(['/a', '/c']);
    expect(ram.report({ sortBy: 'path' }).map((r) => r.path)).toEqual(['/a', '/b', '/c']);
    expect(() => ram.report({ sortBy: 'popularity' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_RAM_INVALID_ARGUMENT' }) as Error,
    );
  });

  it('counts recent hits over the current and the previous window (the ancestor’s "recent hits")', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    const ram = manager({ statsWindow: 60, now: clock.now });
    await page(ram, '/a');
    await hit(ram, '/a', 4);
    expect(ram.report()[0]).toMatchObject({ hits: 4, recentHits: 4 });
    clock.advance(60_000);
    ram.report();
    await hit(ram, '/a', 1);
    expect(ram.report()[0]).toMatchObject({ hits: 5, recentHits: 5 });
    clock.advance(60_000);
    expect(ram.report()[0]).toMatchObject({ hits: 5, recentHits: 1 });
    clock.advance(120_000);
    expect(ram.report()[0]).toMatchObject({ hits: 5, recentHits: 0 });
  });

  it('keeps the rows of objects whose entries went, up to maxStatsRows', async () => {
    const ram = manager({ maxStatsRows: 2 });
    for (const p of ['/a', '/b', '/c', '/d']) await page(ram, p);
    ram.invalidateAll();
    expect(ram.report({ sortBy: 'path' }).map((r) => r.path)).toEqual(['/c', '/d']);
    expect(ram.statistics().stores).toBe(4);
  });

  it('exposes Prometheus text with totals, refusals and the top objects, labels escaped', async () => {
    const ram = manager({ name: 'site_a' });
    await page(ram, '/a"b\\c');
    await hit(ram, '/a"b\\c', 2);
    await ram.values.set('/x', () => 1);
    const text = await ram.prometheus({ objects: 10 });
    expect(text).toContain('# TYPE cacheset_ram_hits_total counter');
    expect(text).toContain('cacheset_ram_hits_total{cache="site_a"} 2');
    expect(text).toContain('cacheset_ram_misses_total{cache="site_a"} 1');
    expect(text).toContain('cacheset_ram_refusals_total{cache="site_a",reason="unserializable"} 1');
    expect(text).toContain('cacheset_ram_object_hits_total{cache="site_a",kind="response",path="/a%22b%5Cc"} 2');
    expect(text).toMatch(/cacheset_ram_bytes\{cache="site_a"\} \d+\n/);
    // prom-client separates metrics with a blank line, which the text format allows.
    for (const line of text
      .trim()
      .split('\n')
      .filter((l) => l !== ''))
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+\{[^}]*\} \d+)$/);
    expect(await ram.prometheus({ objects: 0 })).not.toContain('cacheset_ram_object_hits_total{');
  });

  it("joins the application's prom-client registry: one series per cache, read at each scrape", async () => {
    const registry = new Registry();
    const appRequests = new Counter({
      name: 'app_requests_total',
      help: 'The application’s own.',
      registers: [registry],
    });
    appRequests.inc();
    const gallery = manager({ name: 'gallery' });
    const teasers = manager({ name: 'teasers' });
    gallery.registerMetrics(registry);
    const removeTeasers = teasers.registerMetrics(registry, { objects: 0 });
    await page(gallery, '/a');
    await hit(gallery, '/a', 2);
    let text = await registry.metrics();
    expect(text).toContain('app_requests_total 1');
    expect(text).toContain('cacheset_ram_hits_total{cache="gallery"} 2');
    expect(text).toContain('cacheset_ram_hits_total{cache="teasers"} 0');
    expect(text).toContain('cacheset_ram_object_hits_total{cache="gallery",kind="response",path="/a"} 2');
    // Values are the manager's own totals at scrape time, not increments added up across scrapes.
    await hit(gallery, '/a', 1);
    text = await registry.metrics();
    expect(text).toContain('cacheset_ram_hits_total{cache="gallery"} 3');
    expect(text.match(/^# TYPE cacheset_ram_hits_total counter$/gm)).toHaveLength(1);
    // A second cache of the same name would mix two caches into one series.
    expect(() => manager({ name: 'gallery' }).registerMetrics(registry)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_RAM_INVALID_ARGUMENT' }) as Error,
    );
    removeTeasers();
    await gallery.close();
    text = await registry.metrics();
    expect(text).not.toContain('cacheset_ram');
    expect(text).toContain('app_requests_total 1');
  });
});
