import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type CacheRequest, type ExplainReport } from '@cacheset/core';
import { ExchangeTrace } from '@cacheset/core/internal';

/** The request header that marks an explained request. */
export const EXPLAIN_HEADER = 'x-cacheset-explain';

/** How long a prepared explanation waits for its request before it is given up. */
const EXPLAIN_TIMEOUT_MS = 30_000;

/** An explanation waiting for its request: send `headers` with a request for the URL to explain. */
export interface PreparedExplain {
  /** The header to add to the request (one request; the mark is good once). */
  readonly headers: Readonly<Record<string, string>>;
  /** The report, once the explained response has ended; rejects when no request came in time. */
  readonly report: Promise<ExplainReport>;
  /** Gives the explanation up (no request will be sent). */
  cancel(): void;
}

interface Pending {
  readonly trace: ExchangeTrace;
  readonly timer: NodeJS.Timeout;
  readonly reject: (error: Error) => void;
}

/**
 * The explain requests of one application. Marking a request as explained must be something only
 * the application's own code can do: the mark is `<id>.<secret>`, where the secret is 32 random bytes
 * made when the process starts and never sent anywhere but in the mark, compared in constant time;
 * each id is good for one request, and only while it is prepared. A client guessing a mark gets a
 * normal request. With nothing prepared (the usual state) a request costs one size check.
 */
export class ExplainRequests {
  readonly #secret = randomBytes(32);
  readonly #secretText = this.#secret.toString('hex');
  readonly #pending = new Map<string, Pending>();

  /** Prepares one explained request; the application (its admin) then sends it. */
  prepare(): PreparedExplain {
    const id = randomBytes(12).toString('hex');
    const trace = new ExchangeTrace();
    let reject: (error: Error) => void = () => undefined;
    const failed = new Promise<never>((_, no) => (reject = no));
    const timer = setTimeout(() => {
      if (this.#pending.delete(id)) reject(new Error('cacheset: no explained request arrived within 30 s.'));
    }, EXPLAIN_TIMEOUT_MS);
    timer.unref();
    this.#pending.set(id, { trace, timer, reject });
    const report = Promise.race([trace.done, failed]);
    report.catch(() => undefined);
    return {
      headers: { [EXPLAIN_HEADER]: `${id}.${this.#secretText}` },
      report,
      cancel: () => {
        const pending = this.#pending.get(id);
        if (pending === undefined) return;
        this.#pending.delete(id);
        clearTimeout(pending.timer);
        pending.reject(new Error('cacheset: the explanation was cancelled.'));
      },
    };
  }

  /** Whether no explained request is awaited: then no request can claim a trace. */
  get idle(): boolean {
    return this.#pending.size === 0;
  }

  /** The trace of a request carrying a prepared mark (taken: the mark is good once), or undefined. */
  claim(request: CacheRequest): ExchangeTrace | undefined {
    if (this.#pending.size === 0) return undefined;
    const mark = request.header(EXPLAIN_HEADER);
    if (mark === undefined) return undefined;
    const dot = mark.indexOf('.');
    if (dot < 0) return undefined;
    const given = Buffer.from(mark.slice(dot + 1), 'utf8');
    const secret = Buffer.from(this.#secretText, 'utf8');
    if (given.length !== secret.length || !timingSafeEqual(given, secret)) return undefined;
    const id = mark.slice(0, dot);
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    return pending.trace;
  }
}
