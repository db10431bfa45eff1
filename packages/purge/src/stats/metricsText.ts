import { Counter, Gauge, Registry } from 'prom-client';
import { PurgeErrorCodes, purgeError } from '../errors/purgeErrorCodes.js';
import type { PurgerStatistics } from './PurgerStatistics.js';
import type { ProxyStatistics } from './ProxyCounters.js';
import type { PurgeOutcome, PurgeRecord } from './PurgeRecord.js';

/** What a purger reports at each scrape. */
export interface PurgeMetricsSource {
  statistics(): PurgerStatistics;
  /** The last finished requests, for the `cacheset_purge_recent` outcomes; empty for none. */
  history(): readonly PurgeRecord[];
}

type Sample = readonly [labels: Record<string, string>, value: number];

interface Family {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly labelNames: readonly string[];
  samples(stats: PurgerStatistics, history: readonly PurgeRecord[]): readonly Sample[];
}

function perProxy(key: keyof ProxyStatistics, name: string, type: Family['type'], help: string): Family {
  return {
    name,
    type,
    help,
    labelNames: ['proxy'],
    samples: (stats) => stats.proxies.map((p) => [{ proxy: p.name }, Number(p[key])] as const),
  };
}

function lastAt(key: 'lastSuccessAt' | 'lastFailureAt', name: string, help: string): Family {
  return {
    name,
    type: 'gauge',
    help,
    labelNames: ['proxy'],
    samples: (stats) =>
      stats.proxies.flatMap((p) => {
        const at = p[key];
        return at === undefined ? [] : [[{ proxy: p.name }, at / 1000] as const];
      }),
  };
}

function single(name: string, type: Family['type'], help: string, value: (s: PurgerStatistics) => number): Family {
  return { name, type, help, labelNames: [], samples: (stats) => [[{}, value(stats)]] };
}

const OUTCOMES: readonly PurgeOutcome[] = ['succeeded', 'failed', 'dropped', 'unsupported'];

const FAMILIES: readonly Family[] = [
  perProxy('queued', 'cacheset_purge_queued_total', 'counter', 'Purge requests accepted into the proxy queue.'),
  perProxy(
    'sent',
    'cacheset_purge_sent_total',
    'counter',
    'Purge request attempts sent to the proxy, retries included.',
  ),
  perProxy(
    'succeeded',
    'cacheset_purge_succeeded_total',
    'counter',
    'Purge requests the proxy answered with 2xx or 404.',
  ),
  perProxy(
    'retried',
    'cacheset_purge_retried_total',
    'counter',
    'Retries scheduled after connection errors, timeouts, protocol errors and 5xx answers.',
  ),
  perProxy(
    'failed',
    'cacheset_purge_failed_total',
    'counter',
    'Purge requests given up after their last attempt or refused by the proxy.',
  ),
  perProxy('dropped', 'cacheset_purge_dropped_total', 'counter', 'Purge requests never sent: queue full or shut down.'),
  perProxy(
    'coalesced',
    'cacheset_purge_coalesced_total',
    'counter',
    'Purge requests merged into an identical waiting one.',
  ),
  perProxy('unsupported', 'cacheset_purge_unsupported_total', 'counter', 'Invalidations the proxy kind cannot carry.'),
  perProxy('pending', 'cacheset_purge_pending', 'gauge', 'Purge requests queued, in flight or waiting to retry.'),
  perProxy('inFlight', 'cacheset_purge_in_flight', 'gauge', 'Purge requests in flight.'),
  lastAt('lastSuccessAt', 'cacheset_purge_last_success_timestamp_seconds', 'When the proxy last acknowledged a purge.'),
  lastAt(
    'lastFailureAt',
    'cacheset_purge_last_failure_timestamp_seconds',
    'When a purge to the proxy last failed or was dropped.',
  ),
  {
    name: 'cacheset_purge_recent',
    type: 'gauge',
    help: 'Outcomes among the last finished purge requests (the history, historySize of them at most).',
    labelNames: ['proxy', 'outcome'],
    samples: (stats, history) =>
      history.length === 0
        ? []
        : stats.proxies.flatMap((p) =>
            OUTCOMES.map(
              (outcome) =>
                [
                  { proxy: p.name, outcome },
                  history.filter((r) => r.proxy === p.name && r.outcome === outcome).length,
                ] as const,
            ),
          ),
  },
  single(
    'cacheset_purge_objects_total',
    'counter',
    'Objects queued for purging (Purge events and queue() calls).',
    (s) => s.objectsQueued,
  ),
  {
    name: 'cacheset_purge_units_total',
    type: 'counter',
    help: 'Units of work that queued purges, by how they ended.',
    labelNames: ['outcome'],
    samples: (stats) => [
      [{ outcome: 'committed' }, stats.unitsCommitted],
      [{ outcome: 'aborted' }, stats.unitsAborted],
    ],
  },
  single(
    'cacheset_purge_discarded_total',
    'counter',
    'Invalidations discarded because their unit of work aborted.',
    (s) => s.discardedWithAbortedUnits,
  ),
  single(
    'cacheset_purge_implicit_batches_total',
    'counter',
    'Batches of purges fired outside a unit of work.',
    (s) => s.implicitBatches,
  ),
  single(
    'cacheset_purge_adapter_errors_total',
    'counter',
    'IPurgePaths or ISurrogateKeys adapters that failed.',
    (s) => s.adapterErrors,
  ),
  single('cacheset_purge_enabled', 'gauge', 'Whether purging is switched on.', (s) => (s.enabled ? 1 : 0)),
];

/** Registries a purger reports to: one each, since a second one's series would carry the same labels. */
const reporting = new WeakSet<Registry>();

/**
 * Adds a purger's metrics to a prom-client registry (the application's, so they are scraped with its
 * other metrics). The values are the purger's own totals, read at each scrape. Returns the function
 * that removes them again.
 */
export function registerPurgeMetrics(registry: Registry, source: PurgeMetricsSource): () => void {
  if (typeof (registry as Partial<Registry> | null)?.registerMetric !== 'function') {
    throw purgeError(
      PurgeErrorCodes.INVALID_OPTIONS,
      'registerMetrics: expected a prom-client Registry (for example `register` from prom-client).',
      registry,
    );
  }
  if (reporting.has(registry)) {
    throw purgeError(
      PurgeErrorCodes.INVALID_OPTIONS,
      'registerMetrics: another purger already reports to this registry, and its series would carry ' +
        'the same labels; give each purger a registry of its own.',
      registry,
    );
  }
  reporting.add(registry);
  // prom-client calls every family's collect in one synchronous run: one snapshot per scrape.
  let snapshot: { stats: PurgerStatistics; history: readonly PurgeRecord[] } | undefined;
  const current = (): { stats: PurgerStatistics; history: readonly PurgeRecord[] } => {
    if (snapshot === undefined) {
      snapshot = { stats: source.statistics(), history: source.history() };
      queueMicrotask(() => (snapshot = undefined));
    }
    return snapshot;
  };
  for (const family of FAMILIES) {
    const configuration = {
      name: family.name,
      help: family.help,
      labelNames: family.labelNames,
      registers: [registry],
    };
    const samples = (): readonly Sample[] => family.samples(current().stats, current().history);
    if (family.type === 'counter') {
      new Counter({
        ...configuration,
        collect(this: Counter) {
          this.reset();
          for (const [labels, value] of samples()) this.inc(labels, value);
        },
      });
    } else {
      new Gauge({
        ...configuration,
        collect(this: Gauge) {
          this.reset();
          for (const [labels, value] of samples()) this.set(labels, value);
        },
      });
    }
  }
  let registered = true;
  return () => {
    if (!registered) return;
    registered = false;
    for (const family of FAMILIES) registry.removeSingleMetric(family.name);
    reporting.delete(registry);
  };
}

/**
 * The statistics in the Prometheus text exposition format (version 0.0.4), for a `/metrics` route or
 * the purge endpoint's `?format=prometheus`. With `history`, the outcomes of the last purges per proxy
 * as well (`cacheset_purge_recent`), so that an alert can look at "the last N" rather than totals.
 */
export async function metricsText(stats: PurgerStatistics, history: readonly PurgeRecord[] = []): Promise<string> {
  const registry = new Registry();
  registerPurgeMetrics(registry, { statistics: () => stats, history: () => history });
  return await registry.metrics();
}
