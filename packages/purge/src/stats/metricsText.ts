import type { PurgerStatistics } from './PurgerStatistics.js';
import type { ProxyStatistics } from './ProxyCounters.js';
import type { PurgeOutcome, PurgeRecord } from './PurgeRecord.js';

function label(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

const PER_PROXY: readonly [keyof ProxyStatistics, string, 'counter' | 'gauge', string][] = [
  ['queued', 'cacheset_purge_queued_total', 'counter', 'Purge requests accepted into the proxy queue.'],
  ['sent', 'cacheset_purge_sent_total', 'counter', 'Purge request attempts sent to the proxy, retries included.'],
  ['succeeded', 'cacheset_purge_succeeded_total', 'counter', 'Purge requests the proxy answered with 2xx or 404.'],
  [
    'retried',
    'cacheset_purge_retried_total',
    'counter',
    'Retries scheduled after connection errors, timeouts, protocol errors and 5xx answers.',
  ],
  [
    'failed',
    'cacheset_purge_failed_total',
    'counter',
    'Purge requests given up after their last attempt or refused by the proxy.',
  ],
  ['dropped', 'cacheset_purge_dropped_total', 'counter', 'Purge requests never sent: queue full or shut down.'],
  ['coalesced', 'cacheset_purge_coalesced_total', 'counter', 'Purge requests merged into an identical waiting one.'],
  ['unsupported', 'cacheset_purge_unsupported_total', 'counter', 'Invalidations the proxy kind cannot carry.'],
  ['pending', 'cacheset_purge_pending', 'gauge', 'Purge requests queued, in flight or waiting to retry.'],
  ['inFlight', 'cacheset_purge_in_flight', 'gauge', 'Purge requests in flight.'],
];

const OUTCOMES: readonly PurgeOutcome[] = ['succeeded', 'failed', 'dropped', 'unsupported'];

/**
 * The statistics in the Prometheus text exposition format (version 0.0.4), for a `/metrics` route or
 * the purge endpoint's `?format=prometheus`. With `history`, the outcomes of the last purges per proxy
 * as well (`cacheset_purge_recent`), so that an alert can look at "the last N" rather than totals.
 */
export function metricsText(stats: PurgerStatistics, history: readonly PurgeRecord[] = []): string {
  const lines: string[] = [];
  for (const [key, name, type, help] of PER_PROXY) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const p of stats.proxies) lines.push(`${name}{proxy="${label(p.name)}"} ${String(p[key])}`);
  }
  for (const [key, name, help] of [
    ['lastSuccessAt', 'cacheset_purge_last_success_timestamp_seconds', 'When the proxy last acknowledged a purge.'],
    [
      'lastFailureAt',
      'cacheset_purge_last_failure_timestamp_seconds',
      'When a purge to the proxy last failed or was dropped.',
    ],
  ] as const) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const p of stats.proxies) {
      const at = p[key];
      if (at !== undefined) lines.push(`${name}{proxy="${label(p.name)}"} ${(at / 1000).toFixed(3)}`);
    }
  }
  if (history.length > 0) {
    lines.push(
      `# HELP cacheset_purge_recent Outcomes among the last ${history.length} finished purge requests.`,
      '# TYPE cacheset_purge_recent gauge',
    );
    for (const p of stats.proxies) {
      for (const outcome of OUTCOMES) {
        const count = history.filter((r) => r.proxy === p.name && r.outcome === outcome).length;
        lines.push(`cacheset_purge_recent{proxy="${label(p.name)}",outcome="${outcome}"} ${count}`);
      }
    }
  }
  lines.push(
    '# HELP cacheset_purge_objects_total Objects queued for purging (Purge events and queue() calls).',
    '# TYPE cacheset_purge_objects_total counter',
    `cacheset_purge_objects_total ${stats.objectsQueued}`,
    '# HELP cacheset_purge_units_total Units of work that queued purges, by how they ended.',
    '# TYPE cacheset_purge_units_total counter',
    `cacheset_purge_units_total{outcome="committed"} ${stats.unitsCommitted}`,
    `cacheset_purge_units_total{outcome="aborted"} ${stats.unitsAborted}`,
    '# HELP cacheset_purge_discarded_total Invalidations discarded because their unit of work aborted.',
    '# TYPE cacheset_purge_discarded_total counter',
    `cacheset_purge_discarded_total ${stats.discardedWithAbortedUnits}`,
    '# HELP cacheset_purge_implicit_batches_total Batches of purges fired outside a unit of work.',
    '# TYPE cacheset_purge_implicit_batches_total counter',
    `cacheset_purge_implicit_batches_total ${stats.implicitBatches}`,
    '# HELP cacheset_purge_adapter_errors_total IPurgePaths or ISurrogateKeys adapters that failed.',
    '# TYPE cacheset_purge_adapter_errors_total counter',
    `cacheset_purge_adapter_errors_total ${stats.adapterErrors}`,
    '# HELP cacheset_purge_enabled Whether purging is switched on.',
    '# TYPE cacheset_purge_enabled gauge',
    `cacheset_purge_enabled ${stats.enabled ? 1 : 0}`,
  );
  return `${lines.join('\n')}\n`;
}
