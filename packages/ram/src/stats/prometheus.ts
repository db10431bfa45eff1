import { Counter, Gauge, Registry } from 'prom-client';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';
import type { ObjectStatistics, RamCacheStatistics } from './RamCacheStatistics.js';

/** What one manager reports at each scrape. */
export interface RamMetricsSource {
  /** The `cache` label (the manager's `name` option). */
  readonly name: string;
  statistics(): RamCacheStatistics;
  /** The rows that get per-object series: the caller picks the top ones, to bound the cardinality. */
  topObjects(): readonly ObjectStatistics[];
}

interface Snapshot {
  readonly stats: RamCacheStatistics;
  readonly rows: readonly ObjectStatistics[];
}

type Labels = Record<string, string>;
type Sample = readonly [labels: Labels, value: number];

interface Family {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly labelNames: readonly string[];
  samples(snapshot: Snapshot, cache: string): readonly Sample[];
}

/** A family with one sample per cache, from the totals. */
function total(name: string, type: Family['type'], help: string, value: (s: RamCacheStatistics) => number): Family {
  return { name, type, help, labelNames: ['cache'], samples: ({ stats }, cache) => [[{ cache }, value(stats)]] };
}

/** A family of the shared tier, present only for caches that have one. */
function shared(
  name: string,
  type: Family['type'],
  help: string,
  value: (r: NonNullable<RamCacheStatistics['redis']>) => number,
): Family {
  return {
    name,
    type,
    help,
    labelNames: ['cache'],
    samples: ({ stats }, cache) => (stats.redis === undefined ? [] : [[{ cache }, value(stats.redis)]]),
  };
}

/** A family with one sample per top object. */
function perObject(name: string, type: Family['type'], help: string, value: (r: ObjectStatistics) => number): Family {
  return {
    name,
    type,
    help,
    labelNames: ['cache', 'kind', 'path'],
    samples: ({ rows }, cache) => rows.map((row) => [{ cache, kind: row.kind, path: row.path }, value(row)] as const),
  };
}

const FAMILIES: readonly Family[] = [
  total(
    'cacheset_ram_hits_total',
    'counter',
    'Lookups answered from the cache (including stale and collapsed hits).',
    (s) => s.hits,
  ),
  total(
    'cacheset_ram_stale_hits_total',
    'counter',
    'Hits answered with an expired entry while one request refreshed it.',
    (s) => s.staleHits,
  ),
  total(
    'cacheset_ram_collapsed_hits_total',
    'counter',
    'Hits that waited for another request rendering the same key.',
    (s) => s.collapsedHits,
  ),
  total(
    'cacheset_ram_misses_total',
    'counter',
    'Lookups that found nothing and rendered or computed.',
    (s) => s.misses,
  ),
  total('cacheset_ram_stores_total', 'counter', 'Entries stored.', (s) => s.stores),
  total(
    'cacheset_ram_evictions_total',
    'counter',
    'Entries evicted to make room (least recently used).',
    (s) => s.evictions,
  ),
  total(
    'cacheset_ram_expirations_total',
    'counter',
    'Entries dropped when their lifetime ran out.',
    (s) => s.expirations,
  ),
  total('cacheset_ram_invalidations_total', 'counter', 'Entries dropped by invalidation.', (s) => s.invalidations),
  total(
    'cacheset_ram_wait_timeouts_total',
    'counter',
    'Requests that stopped waiting for a concurrent render.',
    (s) => s.waitTimeouts,
  ),
  total(
    'cacheset_ram_compute_errors_total',
    'counter',
    'Computations that threw (never cached).',
    (s) => s.computeErrors,
  ),
  total('cacheset_ram_entries', 'gauge', 'Entries held in this process.', (s) => s.entries),
  total('cacheset_ram_bytes', 'gauge', 'Bytes charged to the budget in this process.', (s) => s.bytes),
  total('cacheset_ram_max_bytes', 'gauge', 'The byte budget.', (s) => s.maxBytes),
  total('cacheset_ram_in_flight', 'gauge', 'Keys being rendered or computed now.', (s) => s.inFlight),
  {
    name: 'cacheset_ram_refusals_total',
    type: 'counter',
    help: 'Values or responses the store refused, by reason.',
    labelNames: ['cache', 'reason'],
    samples: ({ stats }, cache) =>
      Object.entries(stats.refusalsBy).map(([reason, count]) => [{ cache, reason }, count ?? 0] as const),
  },
  shared('cacheset_ram_redis_up', 'gauge', '1 when the shared tier is connected and in use.', (r) =>
    r.state === 'up' ? 1 : 0,
  ),
  shared('cacheset_ram_redis_hits_total', 'counter', 'Lookups answered by Redis.', (r) => r.hits),
  shared('cacheset_ram_redis_misses_total', 'counter', 'Lookups Redis had no valid entry for.', (r) => r.misses),
  shared('cacheset_ram_redis_writes_total', 'counter', 'Entries written to Redis.', (r) => r.writes),
  shared(
    'cacheset_ram_redis_checked_reads_total',
    'counter',
    'Reads that ran the full invalidation check in Redis (an invalidation since the entry was stored or last checked).',
    (r) => r.checkedReads,
  ),
  shared('cacheset_ram_redis_errors_total', 'counter', 'Failed Redis operations.', (r) => r.errors),
  shared('cacheset_ram_redis_outages_total', 'counter', 'Times the shared tier became unavailable.', (r) => r.outages),
  shared(
    'cacheset_ram_redis_invalidations_received_total',
    'counter',
    'Invalidations received from other processes.',
    (r) => r.invalidationsReceived,
  ),
  shared(
    'cacheset_ram_redis_broadcasts_unanswered_total',
    'counter',
    "This process's invalidation broadcasts some process did not answer within commandTimeoutMs.",
    (r) => r.broadcastsUnanswered,
  ),
  shared(
    'cacheset_ram_redis_pending_invalidations',
    'gauge',
    'Invalidations waiting for Redis to come back.',
    (r) => r.pendingInvalidations,
  ),
  perObject('cacheset_ram_object_hits_total', 'counter', 'Hits per cached object.', (r) => r.hits),
  perObject('cacheset_ram_object_misses_total', 'counter', 'Misses per cached object.', (r) => r.misses),
  perObject('cacheset_ram_object_entries', 'gauge', 'Entries per cached object.', (r) => r.entries),
  perObject('cacheset_ram_object_bytes', 'gauge', 'Bytes per cached object.', (r) => r.bytes),
];

/** The caches reporting to each registry: the families are defined once per registry, one series per cache. */
const reporting = new WeakMap<Registry, Set<RamMetricsSource>>();

/**
 * One snapshot per cache and scrape: prom-client calls every family's `collect` in the same
 * synchronous run, so the statistics (and the sorted top rows) are taken once, not once per family.
 */
function snapshotter(): (source: RamMetricsSource) => Snapshot {
  const taken = new Map<RamMetricsSource, Snapshot>();
  return (source) => {
    let snapshot = taken.get(source);
    if (snapshot === undefined) {
      if (taken.size === 0) queueMicrotask(() => taken.clear());
      snapshot = { stats: source.statistics(), rows: source.topObjects() };
      taken.set(source, snapshot);
    }
    return snapshot;
  };
}

function defineFamilies(registry: Registry, sources: ReadonlySet<RamMetricsSource>): void {
  const snapshot = snapshotter();
  for (const family of FAMILIES) {
    const configuration = {
      name: family.name,
      help: family.help,
      labelNames: family.labelNames,
      registers: [registry],
    };
    // The values are the manager's own totals, read at scrape time: each collect replaces them.
    if (family.type === 'counter') {
      new Counter({
        ...configuration,
        collect(this: Counter) {
          this.reset();
          for (const source of sources)
            for (const [labels, value] of family.samples(snapshot(source), source.name)) this.inc(labels, value);
        },
      });
    } else {
      new Gauge({
        ...configuration,
        collect(this: Gauge) {
          this.reset();
          for (const source of sources)
            for (const [labels, value] of family.samples(snapshot(source), source.name)) this.set(labels, value);
        },
      });
    }
  }
}

/**
 * Adds a cache's metrics to a prom-client registry (the application's, so they are scraped with its
 * other metrics). Several caches share a registry, one series each (`cache="<name>"`); two with the
 * same name are refused. Returns the function that removes the cache again.
 */
export function registerRamMetrics(registry: Registry, source: RamMetricsSource): () => void {
  if (!(registry instanceof Registry) && typeof (registry as Partial<Registry> | null)?.registerMetric !== 'function') {
    throw ramError(
      RamErrorCodes.INVALID_ARGUMENT,
      'registerMetrics: expected a prom-client Registry (for example `register` from prom-client).',
      registry,
    );
  }
  let sources = reporting.get(registry);
  if (sources === undefined) {
    sources = new Set();
    defineFamilies(registry, sources);
    reporting.set(registry, sources);
  }
  for (const other of sources) {
    if (other.name === source.name) {
      throw ramError(
        RamErrorCodes.INVALID_ARGUMENT,
        `registerMetrics: a cache named ${JSON.stringify(source.name)} already reports to this registry; ` +
          'give each RamCacheManager its own name option.',
        source.name,
      );
    }
  }
  sources.add(source);
  const own = sources;
  return () => {
    if (!own.delete(source) || own.size > 0) return;
    for (const family of FAMILIES) registry.removeSingleMetric(family.name);
    reporting.delete(registry);
  };
}

/** One cache's metrics in the Prometheus text exposition format (version 0.0.4). */
export async function prometheusText(source: RamMetricsSource): Promise<string> {
  const registry = new Registry();
  registerRamMetrics(registry, source);
  return await registry.metrics();
}
