import type { ProxyKind } from '../config/PurgerOptions.js';

/** Counters of one proxy since the purger started. */
export interface ProxyStatistics {
  readonly name: string;
  readonly url: string;
  readonly kind: ProxyKind;
  /** Requests accepted into the proxy's queue. */
  readonly queued: number;
  /** Attempts put on the wire (the first sends and every retry). */
  readonly sent: number;
  readonly succeeded: number;
  /** Retries scheduled after a connection error, timeout, protocol error or 5xx. */
  readonly retried: number;
  /** Requests given up: attempts exhausted, refused by the proxy, or impossible (an oversized tag). */
  readonly failed: number;
  /** Requests never sent: the queue was full, or the purger shut down first. */
  readonly dropped: number;
  /** Requests merged into an identical one still waiting to be sent. */
  readonly coalesced: number;
  /** Invalidations this proxy kind cannot carry (tags or BANs to nginx). */
  readonly unsupported: number;
  /** Times the proxy answered again after failing (down, restarted, unreachable). */
  readonly returns: number;
  /** BANs of everything sent on such a return (`flushOnReturn`), one per public host. */
  readonly flushes: number;
  /** The last attempt got no answer (refused, reset, timed out): the proxy is considered down. */
  readonly down: boolean;
  /** Queued, waiting to retry or in flight now. */
  readonly pending: number;
  readonly inFlight: number;
  /** Epoch ms of the last success and the last failure or drop, if any. */
  readonly lastSuccessAt: number | undefined;
  readonly lastFailureAt: number | undefined;
}

/** The mutable side of `ProxyStatistics`, owned by the proxy's channel. */
export class ProxyCounters {
  queued = 0;
  sent = 0;
  succeeded = 0;
  retried = 0;
  failed = 0;
  dropped = 0;
  coalesced = 0;
  unsupported = 0;
  returns = 0;
  flushes = 0;
  down = false;
  lastSuccessAt: number | undefined;
  lastFailureAt: number | undefined;

  snapshot(
    identity: { name: string; url: string; kind: ProxyKind },
    pending: number,
    inFlight: number,
  ): ProxyStatistics {
    return {
      ...identity,
      queued: this.queued,
      sent: this.sent,
      succeeded: this.succeeded,
      retried: this.retried,
      failed: this.failed,
      dropped: this.dropped,
      coalesced: this.coalesced,
      unsupported: this.unsupported,
      returns: this.returns,
      flushes: this.flushes,
      down: this.down,
      pending,
      inFlight,
      lastSuccessAt: this.lastSuccessAt,
      lastFailureAt: this.lastFailureAt,
    };
  }
}
