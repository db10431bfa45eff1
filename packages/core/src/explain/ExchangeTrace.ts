import type { CachesetLogger } from '../logging/CachesetLogger.js';
import type { RulesetExplanation } from '../registry/RulesetExplanation.js';
import type { ResolvedOption } from '../policy/ResolvedOption.js';

/** How the ruleset of an explained request was found. */
export interface RulesetTrace {
  readonly ruleset: string;
  /** `hint`: the route named it; `lookup`: the registry found it for the view; `custom`: `lookupRuleset`. */
  readonly via: 'hint' | 'lookup' | 'custom';
  /** For `lookup`: the resolution order, the entry that matched and what else would have matched. */
  readonly explanation?: RulesetExplanation;
}

/** An operation that ran for the explained request, with every option and where its value came from. */
export interface OperationTrace {
  readonly name: string;
  readonly options: readonly ResolvedOption[];
}

/** The ETag components asked for, each with its token (undefined: no value), and the ETag's opaque part. */
export interface ETagTrace {
  readonly components: readonly { readonly name: string; readonly value: string | undefined }[];
  readonly value: string | undefined;
}

/**
 * One layer's verdict on the explained response, in its own terms: whether it would store the
 * response and for how long, or why not (a code, such as `sets-cookie` or `not-public`).
 */
export interface LayerVerdict {
  /** The layer: `ram`, `fs`, ... */
  readonly layer: string;
  readonly stores: boolean;
  /** Why not, when it would not store. */
  readonly reason?: string;
  /** The layer's particulars: a RAM scope and lifetime, a file name. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** Everything an explained request recorded, as plain data. */
export interface ExplainReport {
  readonly ruleset: RulesetTrace | undefined;
  readonly operations: readonly OperationTrace[];
  readonly etag: ETagTrace | undefined;
  /** Intercept answered (a 304 to the explain request's own validators, a 412). */
  readonly answeredBy: string | undefined;
  readonly status: number | undefined;
  /** The headers the response got from the policy and the view, lower-case names. */
  readonly headers: readonly (readonly [string, string])[];
  readonly layers: readonly LayerVerdict[];
  /** What would have been logged (problems of the policy or the application). */
  readonly notes: readonly string[];
  /** Events the request fired that were not delivered (a dry request purges and invalidates nothing). */
  readonly suppressedEvents: readonly string[];
}

/**
 * The record of an explained request: it runs as a normal request (the view renders, the operations
 * set headers) but dry (nothing is stored in any cache, nothing is purged or invalidated, no
 * statistics are counted, nothing is logged) and traced: every participant writes what it decided
 * here. A request is explained only when its host was asked to (the HTTP layer's `prepareExplain`);
 * nothing a client sends can make one.
 */
export class ExchangeTrace {
  #ruleset: RulesetTrace | undefined;
  readonly #operations: OperationTrace[] = [];
  #etag: ETagTrace | undefined;
  #answeredBy: string | undefined;
  #status: number | undefined;
  #headers: readonly (readonly [string, string])[] = [];
  readonly #layers: LayerVerdict[] = [];
  readonly #notes: string[] = [];
  readonly #suppressed: string[] = [];
  readonly #done: Promise<ExplainReport>;
  #resolve: ((report: ExplainReport) => void) | undefined;

  /** Records problems instead of logging them: an explained request logs nothing. */
  readonly logger: CachesetLogger = {
    warn: (message) => this.note(message),
    error: (message) => this.note(message),
  };

  constructor() {
    this.#done = new Promise((resolve) => (this.#resolve = resolve));
  }

  /** Resolves with the report once the explained response has ended. */
  get done(): Promise<ExplainReport> {
    return this.#done;
  }

  ruleset(trace: RulesetTrace): void {
    this.#ruleset = trace;
  }

  operation(trace: OperationTrace): void {
    if (!this.#operations.some((o) => o.name === trace.name)) this.#operations.push(trace);
  }

  etag(trace: ETagTrace): void {
    this.#etag ??= trace;
  }

  answered(operationName: string): void {
    this.#answeredBy = operationName;
  }

  response(status: number, headers: readonly (readonly [string, string])[]): void {
    this.#status = status;
    this.#headers = headers;
  }

  /** A layer's verdict; a later verdict of the same layer replaces an earlier one (the final word). */
  layer(verdict: LayerVerdict): void {
    const at = this.#layers.findIndex((v) => v.layer === verdict.layer);
    if (at >= 0) this.#layers[at] = verdict;
    else this.#layers.push(verdict);
  }

  note(message: string): void {
    if (!this.#notes.includes(message)) this.#notes.push(message);
  }

  suppressedEvent(name: string): void {
    this.#suppressed.push(name);
  }

  report(): ExplainReport {
    return {
      ruleset: this.#ruleset,
      operations: [...this.#operations],
      etag: this.#etag,
      answeredBy: this.#answeredBy,
      status: this.#status,
      headers: this.#headers,
      layers: [...this.#layers],
      notes: [...this.#notes],
      suppressedEvents: [...this.#suppressed],
    };
  }

  /** The explained response ended: `done` resolves with the report (once). */
  finish(): void {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve?.(this.report());
  }
}

/** Whether an exchange is explained: dry (stores, purges, counts and logs nothing) and traced. */
export function isDry(exchange: { readonly trace?: ExchangeTrace | undefined }): boolean {
  return exchange.trace !== undefined;
}
