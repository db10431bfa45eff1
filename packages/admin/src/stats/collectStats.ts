import type { AdminLayers, AdminStats, FsStats, PurgeStats, RamStats, RecentPurge } from '../api/AdminApiTypes.js';
import type { AdminCaching, AdminDiskCache, AdminPurgeRecord, AdminPurger, AdminRamCache } from '../AdminSources.js';
import type { HitRatioHistory } from './HitRatioHistory.js';

export interface StatsSources {
  readonly caching: AdminCaching;
  readonly ram: AdminRamCache | undefined;
  readonly purger: AdminPurger | undefined;
  readonly disk: AdminDiskCache | undefined;
  readonly history: HitRatioHistory;
}

/** Recent purges shown and returned. */
const RECENT = 50;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const NOT_CONFIGURED = { configured: false, healthy: false, detail: 'not configured in this application' };

export function ramStats(ram: AdminRamCache, history: HitRatioHistory): RamStats {
  const s = ram.statistics();
  history.read(Date.now(), s.hits, s.misses);
  const lookups = s.hits + s.misses;
  return {
    totals: {
      hits: s.hits,
      misses: s.misses,
      entries: s.entries,
      bytes: s.bytes,
      maxBytes: s.maxBytes,
      hitRatio: lookups === 0 ? null : s.hits / lookups,
    },
    objects: ram
      .report()
      .map((row) => ({ name: row.path, hits: row.hits, misses: row.misses, entries: row.entries, bytes: row.bytes })),
    history: history.list(),
  };
}

export function fsStats(disk: AdminDiskCache): FsStats {
  const s = disk.stats();
  const refusals: Record<string, number> = {};
  for (const [reason, count] of Object.entries(s.refused)) if (count !== undefined) refusals[reason] = count;
  return { root: disk.root, files: s.files, bytes: s.bytes, refusals };
}

export function recentPurge(record: AdminPurgeRecord): RecentPurge {
  return {
    at: record.finishedAt,
    proxy: record.proxy,
    type: record.type,
    target: record.target,
    outcome: record.outcome,
    status: record.status ?? null,
    ok: record.outcome === 'succeeded',
    attempts: record.attempts,
    detail: record.detail,
  };
}

export function purgeStats(purger: AdminPurger): PurgeStats {
  const s = purger.statistics();
  const sum = (pick: (p: (typeof s.proxies)[number]) => number): number =>
    s.proxies.reduce((total, p) => total + pick(p), 0);
  return {
    queued: sum((p) => p.pending),
    sent: sum((p) => p.sent),
    retried: sum((p) => p.retried),
    dropped: sum((p) => p.dropped),
    failed: sum((p) => p.failed),
    proxies: s.proxies.map((p) => ({
      name: p.name,
      url: p.url,
      kind: p.kind,
      queued: p.queued,
      sent: p.sent,
      succeeded: p.succeeded,
      retried: p.retried,
      failed: p.failed,
      dropped: p.dropped,
      pending: p.pending,
    })),
    recent: purger.history().slice(0, RECENT).map(recentPurge),
  };
}

function layersOf(
  sources: StatsSources,
  ram: RamStats | null,
  fs: FsStats | null,
  purge: PurgeStats | null,
): AdminLayers {
  const policy = sources.caching.engine.policy;
  const mapped = policy.operationMapping?.size ?? 0;
  const redis = sources.ram?.statistics().redis;
  const failing = sources.purger
    ?.statistics()
    .proxies.filter(
      (p) => p.lastFailureAt !== undefined && (p.lastSuccessAt === undefined || p.lastFailureAt > p.lastSuccessAt),
    );
  return {
    headers: {
      configured: true,
      healthy: policy.enabled,
      detail: policy.enabled
        ? `on: ${mapped} ruleset${mapped === 1 ? '' : 's'} mapped to operations`
        : 'off: the global switch is off, nothing is cached',
    },
    ram:
      ram === null
        ? NOT_CONFIGURED
        : {
            configured: true,
            healthy: true,
            detail: `${ram.totals.entries} entries, ${formatBytes(ram.totals.bytes)} of ${formatBytes(ram.totals.maxBytes)}`,
          },
    redis:
      redis === undefined
        ? NOT_CONFIGURED
        : {
            configured: true,
            healthy: redis.state === 'up',
            detail:
              redis.state === 'up'
                ? 'up: shared by every process'
                : `${redis.state}${redis.lastError === undefined ? '' : `: ${redis.lastError}`}`,
          },
    fs:
      fs === null
        ? NOT_CONFIGURED
        : { configured: true, healthy: true, detail: `${fs.files} files, ${formatBytes(fs.bytes)} in ${fs.root}` },
    purge:
      purge === null
        ? NOT_CONFIGURED
        : {
            configured: true,
            healthy: (failing?.length ?? 0) === 0,
            detail:
              (failing?.length ?? 0) === 0
                ? `${purge.proxies.length} prox${purge.proxies.length === 1 ? 'y' : 'ies'}: ${purge.proxies.map((p) => p.name).join(', ')}; ${purge.queued} waiting`
                : `last purge failed at ${(failing ?? []).map((p) => p.name).join(', ')}`,
          },
  };
}

/** `GET api/stats`: every layer's state, read now. */
export function collectStats(sources: StatsSources): AdminStats {
  const ram = sources.ram === undefined ? null : ramStats(sources.ram, sources.history);
  const fs = sources.disk === undefined ? null : fsStats(sources.disk);
  const purge = sources.purger === undefined ? null : purgeStats(sources.purger);
  return { enabled: sources.caching.engine.policy.enabled, layers: layersOf(sources, ram, fs, purge), ram, fs, purge };
}
