import type { PurgeErrorCode } from '../errors/purgeErrorCodes.js';

/**
 * How one purge request to one proxy ended:
 * - `succeeded`: the proxy answered 2xx or 404 (nothing was cached: the purge is done all the same);
 * - `failed`: every attempt failed, or the proxy refused it in a way retrying cannot fix;
 * - `dropped`: never sent, because the proxy's queue was full or the purger shut down;
 * - `unsupported`: the proxy kind cannot carry it (tags to nginx).
 */
export type PurgeOutcome = 'succeeded' | 'failed' | 'dropped' | 'unsupported';

/** One finished purge request, as the history and the delivery reports show it. */
export interface PurgeRecord {
  /** Increasing per purger. */
  readonly id: number;
  readonly proxy: string;
  readonly type: 'path' | 'tags' | 'ban';
  readonly method: string;
  /** The URL as requested (proxy origin and request target). */
  readonly url: string;
  readonly host: string;
  /** The path, tags or BAN expression. */
  readonly target: string;
  readonly outcome: PurgeOutcome;
  /** The proxy's last HTTP status, if it answered. */
  readonly status: number | undefined;
  readonly attempts: number;
  /** Epoch milliseconds. */
  readonly queuedAt: number;
  readonly firstSentAt: number | undefined;
  readonly finishedAt: number;
  /** Why it did not succeed. */
  readonly code: PurgeErrorCode | undefined;
  /** The proxy's answer ("Purged", "Invalidated 3 objects") or the last error. */
  readonly detail: string;
}

/** What a flush, a synchronous commit or an on-demand purge delivered. */
export interface DeliveryReport {
  /** Every request succeeded (true when there was nothing to send). */
  readonly ok: boolean;
  readonly requests: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly dropped: number;
  readonly unsupported: number;
  readonly records: readonly PurgeRecord[];
}

export function deliveryReport(records: readonly PurgeRecord[]): DeliveryReport {
  let succeeded = 0;
  let failed = 0;
  let dropped = 0;
  let unsupported = 0;
  for (const r of records) {
    if (r.outcome === 'succeeded') succeeded += 1;
    else if (r.outcome === 'failed') failed += 1;
    else if (r.outcome === 'dropped') dropped += 1;
    else unsupported += 1;
  }
  return {
    ok: succeeded === records.length,
    requests: records.length,
    succeeded,
    failed,
    dropped,
    unsupported,
    records,
  };
}
