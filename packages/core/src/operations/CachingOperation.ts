import type { CacheExchange } from '../exchange/CacheExchange.js';
import type { CacheRequest } from '../exchange/CacheRequest.js';
import type { CacheResponse } from '../exchange/CacheResponse.js';
import type { OptionSpec } from './OptionSpec.js';

/** Option name → the type of its (non-null) value. */
export type OperationOptions = Readonly<Record<string, unknown>>;

/** The options an operation declares, each with its spec (default and parser). */
export type OptionSchema<O extends OperationOptions> = { readonly [K in keyof O]: OptionSpec<O[K]> };

/** Resolved option values as an operation sees them; `null` means "none". */
export type OptionValues<O extends OperationOptions> = { readonly [K in keyof O]: O[K] | null };

/** What `intercept` returns to answer the request without rendering: the body to send. */
export interface InterceptResult {
  readonly body: string | Uint8Array;
}

/** Which debug headers the policy wants. Keys beyond the three of plone.caching belong to plugins. */
export type DebugHeaderSwitches = Readonly<Record<string, boolean>>;

/** Everything an operation sees for one request. */
export interface OperationContext<O extends OperationOptions = OperationOptions> {
  readonly ruleset: string;
  readonly operationName: string;
  /** This operation's options for this ruleset: per-ruleset value, else global value, else default. */
  readonly options: OptionValues<O>;
  readonly exchange: CacheExchange;
  readonly request: CacheRequest;
  readonly response: CacheResponse;
  /** Whether the policy wants the named debug header (names it does not list: its default). */
  debugHeader(name: string): boolean;
  /** Another registered operation with a context for it on the same ruleset (for chain-like operations). */
  delegate(operationName: string): DelegatedOperation | undefined;
}

export interface DelegatedOperation {
  readonly operation: CachingOperation;
  readonly context: OperationContext;
}

/**
 * A caching operation, after plone.caching's ICachingOperation: `intercept` may answer before the
 * view renders (a 304, a RAM-cache hit) by setting status and headers on the response and returning a
 * body; `modify` sets headers after rendering.
 *
 * `intercept` may be async: gather slow facts there (ILastModified, ETag components) and keep them in
 * `exchange.annotations`. `modify` is synchronous, because servers flush headers synchronously (Node's
 * `writeHead`); it works from what intercept gathered.
 */
export interface CachingOperation<O extends OperationOptions = OperationOptions> {
  /** The name the policy maps rulesets to; a dotted name. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Position in user interfaces (ascending). */
  readonly sort: number;
  readonly options: OptionSchema<O>;
  /** May return a promise; return synchronously when nothing is async (a 304 then costs no microtask). */
  intercept?(context: OperationContext<O>): InterceptResult | undefined | Promise<InterceptResult | undefined>;
  modify?(context: OperationContext<O>): void;
}
