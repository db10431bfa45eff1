import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { AnnotationKey, annotationKey } from '../exchange/AnnotationKey.js';
import type { CacheExchange } from '../exchange/CacheExchange.js';
import { isClass } from '../interfaces/Spec.js';
import { consoleLogger, type CachesetLogger } from '../logging/CachesetLogger.js';
import { onceLoggerFor, type OnceLogger } from '../logging/OnceLogger.js';
import { dottedNameProblem } from '../names/dottedName.js';
import { isPromiseLike, type MaybePromise } from '../async/isPromiseLike.js';
import type {
  CachingOperation,
  DelegatedOperation,
  InterceptResult,
  OperationContext,
  OperationOptions,
  OptionValues,
} from '../operations/CachingOperation.js';
import type { OperationRegistry } from '../operations/OperationRegistry.js';
import type { RulesetRegistry } from '../registry/RulesetRegistry.js';
import type { CachePolicy } from './CachePolicy.js';

export const RULE_HEADER = 'X-Cache-Rule';
export const OPERATION_HEADER = 'X-Cache-Operation';

/**
 * Annotation key for plone.caching's transform-chain flag: an answered intercept skips `modify` unless
 * the operation set this to `true` on the exchange before answering.
 */
// A shared symbol (kit/internalSymbols.ts), written out because only a literal call makes a `unique symbol`.
export const MODIFY_AFTER_INTERCEPT: unique symbol = Symbol.for('cacheset.core.modifyAfterIntercept');

/** The flag behind `MODIFY_AFTER_INTERCEPT`, typed. */
export const modifyAfterInterceptKey = new AnnotationKey<boolean>(MODIFY_AFTER_INTERCEPT);

interface MatchMemo {
  readonly hint: string | undefined;
  readonly published: unknown;
  readonly match: OperationMatch | undefined;
}
const matchKey = annotationKey<MatchMemo>('cacheset.core.engineMatch');
const appliedKey = annotationKey<true>('cacheset.core.modified');

/** Finds the ruleset of an exchange; replace it to add template or content-type mappings. */
export type RulesetLookup = (exchange: CacheExchange, rulesets: RulesetRegistry) => string | undefined;

export interface CachingEngineOptions {
  readonly rulesets: RulesetRegistry;
  readonly operations: OperationRegistry;
  readonly policy: CachePolicy;
  readonly logger?: CachesetLogger;
  readonly lookupRuleset?: RulesetLookup;
}

/** The ruleset found for a request, and the operation the policy maps it to (if registered). */
export interface OperationMatch {
  readonly ruleset: string;
  readonly operationName: string | undefined;
  readonly operation: CachingOperation | undefined;
}

/** An intercepted request: send `status` (already on the response) with `body`; do not render. */
export interface InterceptOutcome {
  readonly status: number;
  readonly body: string | Uint8Array;
  readonly operationName: string;
}

const validHints = new Set<string>();

/** A route names the same few rulesets on every request: each is validated once. */
function hintProblem(hint: string): string | undefined {
  if (validHints.has(hint)) return undefined;
  const problem = dottedNameProblem(hint);
  if (problem === undefined && validHints.size < 4096) validHints.add(hint);
  return problem;
}

/**
 * The default ruleset lookup: the route's hint if any; else the published class (meaning its
 * instances) or instance, looked up in the registry.
 */
export const defaultRulesetLookup: RulesetLookup = (exchange, rulesets) => {
  if (exchange.rulesetHint !== undefined) {
    const problem = hintProblem(exchange.rulesetHint);
    if (problem !== undefined) {
      throw new CachesetError(
        CoreErrorCodes.INVALID_RULESET_NAME,
        `The ruleset hint ${JSON.stringify(exchange.rulesetHint)} set by the route is not a dotted name: ${problem}.`,
      );
    }
    if (rulesets.explicit && rulesets.getType(exchange.rulesetHint) === undefined) {
      throw new CachesetError(
        CoreErrorCodes.RULESET_NOT_DECLARED,
        `The ruleset hint '${exchange.rulesetHint}' set by the route is not declared and explicit mode is on.`,
      );
    }
    return exchange.rulesetHint;
  }
  const published = exchange.published;
  if (published === undefined) return undefined;
  return isClass(published) ? rulesets.lookupClass(published) : rulesets.lookup(published);
};

/**
 * Runs the policy for one request, with plone.caching's hook semantics: `intercept` before rendering,
 * `modify` after (once, even for streamed responses). Framework-neutral: the HTTP adapters call it.
 *
 * - Disabled policy, or no operation mapping: nothing happens, no headers.
 * - A ruleset was found: `X-Cache-Rule` is set (if the debug header is on), whatever follows.
 * - `X-Cache-Operation` is set on modify, and on intercept only when the operation answered.
 * - Errors from the lookup or an operation are logged (each distinct message once) and swallowed: the
 *   request goes on uncached rather than failing.
 */
export class CachingEngine {
  readonly rulesets: RulesetRegistry;
  readonly operations: OperationRegistry;
  readonly logger: CachesetLogger;
  readonly #lookup: RulesetLookup;
  readonly #once: OnceLogger;
  #policy: CachePolicy;

  constructor(options: CachingEngineOptions) {
    this.rulesets = options.rulesets;
    this.operations = options.operations;
    this.#policy = options.policy;
    this.logger = options.logger ?? consoleLogger;
    this.#once = onceLoggerFor(this.logger);
    this.#lookup = options.lookupRuleset ?? defaultRulesetLookup;
  }

  get policy(): CachePolicy {
    return this.#policy;
  }

  /** Swaps in a new policy for requests that start from now on. */
  setPolicy(policy: CachePolicy): void {
    this.#policy = policy;
  }

  /**
   * The ruleset and operation for this exchange, or undefined when nothing applies. Memoized on the
   * exchange, and found again if the route's ruleset hint or published view changed since (a handler
   * that names its ruleset or view while rendering).
   */
  findOperation(exchange: CacheExchange): OperationMatch | undefined {
    const hint = exchange.rulesetHint;
    const published = exchange.published;
    const memo = matchKey.get(exchange);
    if (memo !== undefined && memo.hint === hint && memo.published === published) return memo.match;
    const match = this.#findOperation(exchange);
    matchKey.set(exchange, { hint, published, match });
    if (exchange.trace !== undefined && match !== undefined) this.#traceRuleset(exchange, match.ruleset);
    return match;
  }

  /** Records how the explained exchange's ruleset was found (with the registry's explanation). */
  #traceRuleset(exchange: CacheExchange, ruleset: string): void {
    const trace = exchange.trace;
    if (trace === undefined) return;
    if (exchange.rulesetHint !== undefined && this.#lookup === defaultRulesetLookup) {
      trace.ruleset({ ruleset, via: 'hint' });
      return;
    }
    if (this.#lookup !== defaultRulesetLookup) {
      trace.ruleset({ ruleset, via: 'custom' });
      return;
    }
    const { published } = exchange;
    const explanation = isClass(published) ? this.rulesets.explainClass(published) : this.rulesets.explain(published);
    trace.ruleset({ ruleset, via: 'lookup', explanation });
  }

  /**
   * Before rendering: may answer the request (304, RAM hit). Never throws. Synchronous when the
   * operation answers synchronously (a promise only when it is really async), so a 304 or a RAM hit
   * costs no microtask.
   */
  intercept(exchange: CacheExchange): MaybePromise<InterceptOutcome | undefined> {
    const match = this.findOperation(exchange);
    if (match === undefined) return undefined;
    if (this.#policy.debugHeader('rule')) exchange.response.setHeader(RULE_HEADER, match.ruleset);
    const { operation, operationName } = match;
    if (operation?.intercept === undefined || operationName === undefined) return undefined;
    let result: MaybePromise<InterceptResult | undefined>;
    try {
      result = operation.intercept(this.#context(exchange, match.ruleset, operationName, operation));
    } catch (error) {
      this.#report(exchange, `operation '${operationName}' failed to intercept`, error, match);
      return undefined;
    }
    if (!isPromiseLike<InterceptResult | undefined>(result)) return this.#answer(exchange, operationName, result);
    return Promise.resolve(result).then(
      (answer) => this.#answer(exchange, operationName, answer),
      (error: unknown) => {
        this.#report(exchange, `operation '${operationName}' failed to intercept`, error, match);
        return undefined;
      },
    );
  }

  #answer(
    exchange: CacheExchange,
    operationName: string,
    result: InterceptResult | undefined,
  ): InterceptOutcome | undefined {
    if (result === undefined) return undefined;
    if (this.#policy.debugHeader('operation')) exchange.response.setHeader(OPERATION_HEADER, operationName);
    if (!modifyAfterInterceptKey.has(exchange)) modifyAfterInterceptKey.set(exchange, false);
    exchange.trace?.answered(operationName);
    return { status: exchange.response.status, body: result.body, operationName };
  }

  /**
   * After rendering, when the response headers are about to be sent (or at the first write of a
   * streamed response): sets the caching headers. Synchronous, so that it can run inside a server's
   * `writeHead`. Applies at most once per exchange, and not at all after an answered intercept.
   * Never throws.
   */
  modify(exchange: CacheExchange): void {
    if (appliedKey.has(exchange)) return;
    appliedKey.set(exchange, true);
    if (modifyAfterInterceptKey.get(exchange) === false) return;
    const match = this.findOperation(exchange);
    if (match === undefined) return;
    const policy = this.#policy;
    if (policy.debugHeader('rule')) exchange.response.setHeader(RULE_HEADER, match.ruleset);
    if (match.operation === undefined || match.operationName === undefined) return;
    if (policy.debugHeader('operation')) exchange.response.setHeader(OPERATION_HEADER, match.operationName);
    if (match.operation.modify === undefined) return;
    try {
      const result: unknown = match.operation.modify(
        this.#context(exchange, match.ruleset, match.operationName, match.operation),
      );
      if (isPromiseLike(result)) {
        (result as Promise<unknown>).then(undefined, () => undefined);
        throw new CachesetError(
          CoreErrorCodes.INVALID_OPERATION,
          `operation '${match.operationName}' returned a promise from modify(); modify must be synchronous (headers are sent synchronously). Gather async facts in intercept() and keep them under an annotationKey.`,
        );
      }
    } catch (error) {
      this.#report(exchange, `operation '${match.operationName}' failed to modify the response`, error, match);
    }
  }

  /** Whether `modify` has already run for this exchange (streamed responses apply headers once). */
  isModified(exchange: CacheExchange): boolean {
    return appliedKey.has(exchange);
  }

  #findOperation(exchange: CacheExchange): OperationMatch | undefined {
    const policy = this.#policy;
    if (!policy.enabled || policy.operationMapping === undefined) return undefined;
    if (exchange.published === undefined && exchange.rulesetHint === undefined) return undefined;
    let ruleset: string | undefined;
    try {
      ruleset = this.#lookup(exchange, this.rulesets);
    } catch (error) {
      this.#report(exchange, 'the ruleset lookup failed', error, undefined);
      return undefined;
    }
    if (ruleset === undefined) return undefined;
    const operationName = policy.operationFor(ruleset);
    const operation = operationName === undefined ? undefined : this.operations.get(operationName);
    return { ruleset, operationName, operation };
  }

  #context(
    exchange: CacheExchange,
    ruleset: string,
    operationName: string,
    operation: CachingOperation,
  ): OperationContext {
    return new EngineOperationContext(this.operations, this.#policy, exchange, ruleset, operationName, operation);
  }

  #report(exchange: CacheExchange, what: string, error: unknown, match: OperationMatch | undefined): void {
    const message = error instanceof Error ? error.message : String(error);
    const line = `cacheset: ${what}; the request continues without caching from it. ${message}`;
    // An explained request logs nothing: its trace says it instead.
    if (exchange.trace !== undefined) return exchange.trace.note(line);
    this.#once.error(line, {
      error,
      ...(match === undefined ? {} : { ruleset: match.ruleset, operation: match.operationName }),
    });
  }
}

/**
 * What an operation sees for one request. A class, not an object literal with arrow functions: one
 * is made per operation call on the request path, and closures would double its allocations.
 */
class EngineOperationContext implements OperationContext {
  readonly ruleset: string;
  readonly operationName: string;
  readonly options: OptionValues<OperationOptions>;
  readonly exchange: CacheExchange;
  readonly #operations: OperationRegistry;
  readonly #policy: CachePolicy;

  constructor(
    operations: OperationRegistry,
    policy: CachePolicy,
    exchange: CacheExchange,
    ruleset: string,
    operationName: string,
    operation: CachingOperation,
  ) {
    this.ruleset = ruleset;
    this.operationName = operationName;
    this.options = policy.resolveOptions(operation, ruleset);
    this.exchange = exchange;
    exchange.trace?.operation({ name: operationName, options: policy.explainOptions(operation, ruleset) });
    this.#operations = operations;
    this.#policy = policy;
  }

  get request(): CacheExchange['request'] {
    return this.exchange.request;
  }

  get response(): CacheExchange['response'] {
    return this.exchange.response;
  }

  debugHeader(name: string): boolean {
    return this.#policy.debugHeader(name);
  }

  delegate(name: string): DelegatedOperation | undefined {
    const delegated = this.#operations.get(name);
    return delegated === undefined
      ? undefined
      : {
          operation: delegated,
          context: new EngineOperationContext(
            this.#operations,
            this.#policy,
            this.exchange,
            this.ruleset,
            name,
            delegated,
          ),
        };
  }
}
