import type { ObjectStatistics, RamCacheStatistics } from './RamCacheStatistics.js';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(pairs: Readonly<Record<string, string>>): string {
  return `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`;
}

type Metric = readonly [
  name: string,
  type: 'counter' | 'gauge',
  help: string,
  value: (s: RamCacheStatistics) => number,
];

const TOTALS: readonly Metric[] = [
  [
    'cacheset_ram_hits_total',
    'counter',
    'Lookups answered from the cache (including stale and collapsed hits).',
    (s) => s.hits,
  ],
  [
    'cacheset_ram_stale_hits_total',
    'counter',
    'Hits answered with an expired entry while one request refreshed it.',
    (s) => s.staleHits,
  ],
  [
    'cacheset_ram_collapsed_hits_total',
    'counter',
    'Hits that waited for another request rendering the same key.',
    (s) => s.collapsedHits,
  ],
  ['cacheset_ram_misses_total', 'counter', 'Lookups that found nothing and rendered or computed.', (s) => s.misses],
  ['cacheset_ram_stores_total', 'counter', 'Entries stored.', (s) => s.stores],
  [
    'cacheset_ram_evictions_total',
    'counter',
    'Entries evicted to make room (least recently used).',
    (s) => s.evictions,
  ],
  ['cacheset_ram_expirations_total', 'counter', 'Entries dropped when their lifetime ran out.', (s) => s.expirations],
  ['cacheset_ram_invalidations_total', 'counter', 'Entries dropped by invalidation.', (s) => s.invalidations],
  [
    'cacheset_ram_wait_timeouts_total',
    'counter',
    'Requests that stopped waiting for a concurrent render.',
    (s) => s.waitTimeouts,
  ],
  ['cacheset_ram_compute_errors_total', 'counter', 'Computations that threw (never cached).', (s) => s.computeErrors],
  ['cacheset_ram_entries', 'gauge', 'Entries held in this process.', (s) => s.entries],
  ['cacheset_ram_bytes', 'gauge', 'Bytes charged to the budget in this process.', (s) => s.bytes],
  ['cacheset_ram_max_bytes', 'gauge', 'The byte budget.', (s) => s.maxBytes],
  ['cacheset_ram_in_flight', 'gauge', 'Keys being rendered or computed now.', (s) => s.inFlight],
];

const PER_OBJECT: readonly (readonly [string, 'counter' | 'gauge', string, (r: ObjectStatistics) => number])[] = [
  ['cacheset_ram_object_hits_total', 'counter', 'Hits per cached object.', (r) => r.hits],
  ['cacheset_ram_object_misses_total', 'counter', 'Misses per cached object.', (r) => r.misses],
  ['cacheset_ram_object_entries', 'gauge', 'Entries per cached object.', (r) => r.entries],
  ['cacheset_ram_object_bytes', 'gauge', 'Bytes per cached object.', (r) => r.bytes],
];

/**
 * The statistics in the Prometheus text exposition format (version 0.0.4). Per-object series are
 * limited to the rows given (the caller picks the top ones): one series per page would explode the
 * metric cardinality of a large site.
 */
export function prometheusText(stats: RamCacheStatistics, rows: readonly ObjectStatistics[]): string {
  const lines: string[] = [];
  const cache = { cache: stats.name };
  for (const [name, type, help, value] of TOTALS) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}${labels(cache)} ${value(stats)}`);
  }
  lines.push(
    '# HELP cacheset_ram_refusals_total Values or responses the store refused, by reason.',
    '# TYPE cacheset_ram_refusals_total counter',
  );
  for (const [reason, count] of Object.entries(stats.refusalsBy))
    lines.push(`cacheset_ram_refusals_total${labels({ ...cache, reason })} ${count ?? 0}`);
  if (stats.redis !== undefined) {
    const r = stats.redis;
    const shared: readonly [string, 'counter' | 'gauge', string, number][] = [
      ['cacheset_ram_redis_up', 'gauge', '1 when the shared tier is connected and in use.', r.state === 'up' ? 1 : 0],
      ['cacheset_ram_redis_hits_total', 'counter', 'Lookups answered by Redis.', r.hits],
      ['cacheset_ram_redis_misses_total', 'counter', 'Lookups Redis had no valid entry for.', r.misses],
      ['cacheset_ram_redis_writes_total', 'counter', 'Entries written to Redis.', r.writes],
      ['cacheset_ram_redis_errors_total', 'counter', 'Failed Redis operations.', r.errors],
      ['cacheset_ram_redis_outages_total', 'counter', 'Times the shared tier became unavailable.', r.outages],
      [
        'cacheset_ram_redis_invalidations_received_total',
        'counter',
        'Invalidations received from other processes.',
        r.invalidationsReceived,
      ],
      [
        'cacheset_ram_redis_pending_invalidations',
        'gauge',
        'Invalidations waiting for Redis to come back.',
        r.pendingInvalidations,
      ],
    ];
    for (const [name, type, help, value] of shared)
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}${labels(cache)} ${value}`);
  }
  for (const [name, type, help, value] of PER_OBJECT) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const row of rows) lines.push(`${name}${labels({ ...cache, kind: row.kind, path: row.path })} ${value(row)}`);
  }
  return `${lines.join('\n')}\n`;
}
