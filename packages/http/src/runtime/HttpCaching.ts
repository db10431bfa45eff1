import { hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  AdapterLookup,
  CatalogCounter,
  CachePolicy,
  CachesetError,
  CachingEngine,
  consoleLogger,
  describeOperationSource,
  DEFAULT_WORK_TIMEOUT_MS,
  describeValue,
  getDefaultRegistry,
  OperationRegistry,
  RulesetRegistry,
  type CacheExchange,
  type CacheUser,
  type CachesetLogger,
  type ExchangeHost,
  type ResponseCache,
  type PolicyData,
  type RulesetLookup,
} from '@cacheset/core';
import type { Container } from 'inversify';
import { builtinETagComponents } from '../etag/builtinETagComponents.js';
import { catalogCounterComponent } from '../etag/catalogCounterComponent.js';
import { PreparedAnswers } from '../prepared/PreparedAnswers.js';
import { ETagComponent } from '../etag/ETagComponent.js';
import { HttpErrorCodes } from '../errors/httpErrorCodes.js';
import { isHeaderName } from '../headers/headerNames.js';
import { httpOperations, registerHttpOperations } from '../operations/standardOperations.js';
import { HTTP_OPTION_KEYS } from './httpOptionKeys.js';
import { validatePolicyComponents } from './validatePolicyComponents.js';
import {
  attachHttpSettings,
  SURROGATE_KEY_HEADERS,
  type HttpSettings,
  type SurrogateKeyHeader,
} from './HttpSettings.js';
import { ExplainRequests, type PreparedExplain } from './ExplainRequests.js';
import { HttpExchange } from './HttpExchange.js';
import { httpShareability } from './httpShareability.js';
import { OptionReader, type ShareabilitySource, type ExchangeInit } from '@cacheset/core/internal';

// A policy naming moderateCaching compiled against a bare OperationRegistry then says how to fix it.
describeOperationSource({
  names: httpOperations.map((operation) => operation.name),
  source: '@cacheset/http',
  register: 'registerHttpOperations(operations) from @cacheset/http',
});

/** Who is asking. Return undefined for an anonymous request. */
export type UserResolver = (request: IncomingMessage) => CacheUser | undefined;

export interface HttpCachingOptions {
  /** The policy: compiled, or data to compile against `operations`. */
  readonly policy: CachePolicy | PolicyData;
  /** Default: the default registry (`register`, `@cacheRuleset`). */
  readonly rulesets?: RulesetRegistry;
  /** Default: a registry with chain and the standard HTTP operations. */
  readonly operations?: OperationRegistry;
  /** The application's inversify container, where adapters and ETag components are bound. */
  readonly container?: Container;
  readonly logger?: CachesetLogger;
  /**
   * Who the request comes from. The default counts a request as authenticated when it carries an
   * Authorization header or one of `authenticatedCookies`, as a user identified by a digest of that
   * credential. Applications with their own sessions should say who the user is.
   */
  readonly user?: UserResolver;
  /** Cookies that carry a session (for the default `user`). */
  readonly authenticatedCookies?: readonly string[];
  /** A caching proxy sits in front: send surrogate keys (strip them in the proxy). Default false. */
  readonly behindProxy?: boolean;
  /** `xkey` (default, Varnish), `Surrogate-Key` (Fastly), `Cache-Tag` (Cloudflare), or your own. */
  readonly surrogateKeyHeader?: keyof typeof SURROGATE_KEY_HEADERS | SurrogateKeyHeader;
  /** Where `ramCache` keeps responses (a @cacheset/ram store). */
  readonly responseCache?: ResponseCache;
  /** Largest body kept in the RAM cache (bytes). Default 1 MiB. */
  readonly ramCacheMaxBytes?: number;
  /** Query parameters or cookies whose presence makes a request uncacheable. */
  readonly cacheStopRequestVariables?: readonly string[];
  /** The deployment's version, for the `resourceVersion` ETag component. */
  readonly resourceVersion?: string;
  /** ETag components besides the built-in ones (those bound in the container are added too). */
  readonly etagComponents?: readonly ETagComponent[];
  /**
   * The counter the `catalogCounter` ETag component reads: `catalogCounterOf(bus)` for the bus your
   * content events go to. Default: the default bus's (the one `notify` uses).
   */
  readonly catalogCounter?: CatalogCounter;
  /**
   * How long a response waits for the in-process invalidation its request started (disk dumps
   * deleted, the RAM tier's record in Redis) before it goes out anyway; the overdue work is logged
   * (`ERR_CACHESET_WORK_TIMEOUT`) and goes on in the background. Default 5000 ms.
   */
  readonly invalidationTimeoutMs?: number;
  /** The name of this cache in Cache-Status. Default 'cacheset'. */
  readonly cacheStatusName?: string;
  /** Replaces the ruleset lookup (for template or content-type mappings). */
  readonly lookupRuleset?: RulesetLookup;
  /** The clock, epoch ms (for tests). */
  readonly now?: () => number;
  /**
   * Answer repeated 304s of routes given at start-up from a prepared answer, checked per request
   * against everything it depends on (see docs/http.md). Default true; false sends every request
   * through the full policy run.
   */
  readonly preparedAnswers?: boolean;
}

// Typed explicitly: a method returning never narrows control flow only through an annotated reference.
const read: OptionReader = new OptionReader(
  (message, value) => new CachesetError(HttpErrorCodes.INVALID_HTTP_OPTIONS, message, { details: { value } }),
);

function digest(value: string): string {
  return hash('sha256', value, 'base64url').slice(0, 22);
}

function defaultUser(cookies: readonly string[]): UserResolver {
  return (request) => {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) return { id: `auth:${digest(authorization)}`, roles: ['Authenticated'] };
    if (cookies.length === 0) return undefined;
    const header = request.headers.cookie;
    if (header === undefined) return undefined;
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      const name = (eq < 0 ? part : part.slice(0, eq)).trim();
      if (cookies.includes(name)) return { id: `cookie:${digest(part.trim())}`, roles: ['Authenticated'] };
    }
    return undefined;
  };
}

function collectComponents(options: HttpCachingOptions): Map<string, ETagComponent> {
  const bound =
    options.container === undefined ? [] : options.container.getAll<ETagComponent>(ETagComponent, { chained: true });
  const builtins =
    options.catalogCounter === undefined
      ? builtinETagComponents
      : builtinETagComponents.map((c) =>
          c.name === 'catalogCounter' ? catalogCounterComponent(options.catalogCounter) : c,
        );
  const components = new Map<string, ETagComponent>();
  for (const component of [...builtins, ...(options.etagComponents ?? []), ...bound]) {
    const c = component as Partial<ETagComponent> | null;
    if (
      typeof c !== 'object' ||
      c === null ||
      typeof c.name !== 'string' ||
      c.name.length === 0 ||
      typeof c.value !== 'function'
    ) {
      throw new CachesetError(
        HttpErrorCodes.INVALID_ETAG_COMPONENT,
        `An ETag component must be { name: string, value(context) }, got ${describeValue(component)}.`,
      );
    }
    if (components.has(c.name)) {
      throw new CachesetError(
        HttpErrorCodes.INVALID_ETAG_COMPONENT,
        `Two ETag components are named '${c.name}'; give each a distinct name (the built-in ones are ${builtinETagComponents.map((b) => b.name).join(', ')}).`,
      );
    }
    components.set(c.name, c as ETagComponent);
  }
  return components;
}

function surrogateHeader(value: HttpCachingOptions['surrogateKeyHeader']): SurrogateKeyHeader {
  if (value === undefined) return SURROGATE_KEY_HEADERS.xkey;
  if (typeof value === 'string') {
    const known = SURROGATE_KEY_HEADERS[value];
    if (known === undefined)
      read.fail(
        `surrogateKeyHeader: ${describeValue(value)} is not one of ${Object.keys(SURROGATE_KEY_HEADERS).join(', ')}; or give { name, separator, maxLength }.`,
        value,
      );
    return known;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof value.name !== 'string' ||
    !isHeaderName(value.name) ||
    (value.separator !== ' ' && value.separator !== ',') ||
    !Number.isInteger(value.maxLength) ||
    value.maxLength < 64
  ) {
    read.invalid(
      'surrogateKeyHeader',
      "must be { name: a header name, separator: ' ' or ',', maxLength: an integer ≥ 64 }",
      value,
    );
  }
  return value;
}

/** RFC 9211 names a cache with an sf-token or an sf-string (RFC 8941). */
const CACHE_STATUS_NAME = /^(?:[A-Za-z*][!#$%&'*+\-.^_`|~:/0-9A-Za-z]*|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*")$/;

/** The options whose mistakes would otherwise surface as a TypeError or a broken header at request time. */
function checkOtherOptions(options: HttpCachingOptions): void {
  const { resourceVersion, cacheStatusName, now, etagComponents, lookupRuleset, logger } = options;
  const { catalogCounter, invalidationTimeoutMs } = options;
  if (catalogCounter !== undefined && !(catalogCounter instanceof CatalogCounter))
    read.invalid(
      'catalogCounter',
      'must be a CatalogCounter (catalogCounterOf(bus) of @cacheset/core)',
      catalogCounter,
    );
  if (
    invalidationTimeoutMs !== undefined &&
    (typeof invalidationTimeoutMs !== 'number' || !Number.isFinite(invalidationTimeoutMs) || invalidationTimeoutMs <= 0)
  )
    read.invalid('invalidationTimeoutMs', 'must be a positive number of milliseconds', invalidationTimeoutMs);
  if (resourceVersion !== undefined && typeof resourceVersion !== 'string')
    read.invalid('resourceVersion', 'must be a string', resourceVersion);
  if (
    cacheStatusName !== undefined &&
    (typeof cacheStatusName !== 'string' || !CACHE_STATUS_NAME.test(cacheStatusName))
  ) {
    read.invalid(
      'cacheStatusName',
      'must be a token (letters, digits, "-", ".", ...) or a quoted string, as RFC 9211 names a cache',
      cacheStatusName,
    );
  }
  read.func('now', now, 'a function returning epoch milliseconds');
  if (etagComponents !== undefined && !Array.isArray(etagComponents))
    read.invalid('etagComponents', 'must be a list of { name, value(context) }', etagComponents);
  read.func('lookupRuleset', lookupRuleset, 'a function (exchange, rulesets) => ruleset name');
  read.logger('logger', logger);
}

/**
 * The HTTP-header cache manager for one application: the policy, the operations, the settings, and
 * the engine that runs them. Server adapters (node:http, Express, Fastify, Koa) are thin shells
 * around it. Everything is validated here, at start-up: a bad option or an unknown ETag component in
 * the policy is an error now, never a surprise at request time.
 */
export class HttpCaching implements ExchangeHost {
  readonly engine: CachingEngine;
  /** IAnonymousAccess and the cache-stop variables, for every operation of a request (the disk dump too). */
  readonly shareability: ShareabilitySource = httpShareability;
  /** Explained requests: prepared by the application (`prepareExplain`), honoured by every adapter. */
  readonly explains = new ExplainRequests();
  readonly settings: HttpSettings;
  readonly adapters: AdapterLookup | undefined;
  readonly userOf: UserResolver;
  /** The application replaced the ruleset lookup (`lookupRuleset`): routes cannot be checked ahead. */
  readonly customRulesetLookup: boolean;
  /** Prepared 304s of the node adapter; undefined when `preparedAnswers: false`. */
  readonly prepared: PreparedAnswers | undefined;
  readonly #components: ReadonlyMap<string, ETagComponent>;

  constructor(options: HttpCachingOptions) {
    read.record('createHttpCaching: options', options, 'an object { policy, ... }');
    read.keys('createHttpCaching', options, HTTP_OPTION_KEYS);
    const operations = options.operations ?? registerHttpOperations(new OperationRegistry());
    const rulesets = options.rulesets ?? getDefaultRegistry() ?? new RulesetRegistry();
    // Explicit mode: a misspelt @cacheRuleset name stops start-up here, naming the class, instead of
    // failing at its first request; classes decorated later are checked when decorated.
    rulesets.verify();
    const behindProxy = read.flag('behindProxy', options.behindProxy, false);
    const maxBytes = options.ramCacheMaxBytes ?? 1_048_576;
    if (!Number.isInteger(maxBytes) || maxBytes <= 0)
      read.invalid('ramCacheMaxBytes', 'must be a positive integer', maxBytes);
    const stopVariables = read.names('cacheStopRequestVariables', options.cacheStopRequestVariables, 'a list of names');
    const cookies = read.names('authenticatedCookies', options.authenticatedCookies, 'a list of cookie names');
    read.func('user', options.user, 'a function of the request');
    if (
      options.responseCache !== undefined &&
      typeof (options.responseCache as { lookup?: unknown }).lookup !== 'function'
    ) {
      read.invalid('responseCache', 'must have a lookup(key) method (a @cacheset/ram store)', options.responseCache);
    }
    checkOtherOptions(options);
    this.#components = collectComponents(options);
    const policy =
      options.policy instanceof CachePolicy
        ? options.policy
        : CachePolicy.compile(options.policy, {
            operations,
            ...(rulesets.explicit ? { isDeclared: (n: string) => rulesets.getType(n) !== undefined } : {}),
          });
    validatePolicyComponents(policy, operations, this.#components);
    const logger = options.logger ?? consoleLogger;
    this.settings = Object.freeze({
      behindProxy,
      surrogateKeyHeader: surrogateHeader(options.surrogateKeyHeader),
      responseCache: options.responseCache,
      ramCacheMaxBytes: maxBytes,
      cacheStopRequestVariables: Object.freeze([...stopVariables]),
      resourceVersion: options.resourceVersion,
      components: this.#components,
      invalidationTimeoutMs: options.invalidationTimeoutMs ?? DEFAULT_WORK_TIMEOUT_MS,
      cacheStatusName: options.cacheStatusName ?? 'cacheset',
      logger,
      now: options.now ?? (() => Date.now()),
    });
    this.engine = new CachingEngine({
      rulesets,
      operations,
      policy,
      logger,
      ...(options.lookupRuleset === undefined ? {} : { lookupRuleset: options.lookupRuleset }),
    });
    this.adapters = options.container === undefined ? undefined : new AdapterLookup(options.container);
    this.userOf = options.user ?? defaultUser(cookies);
    this.customRulesetLookup = options.lookupRuleset !== undefined;
    this.prepared = read.flag('preparedAnswers', options.preparedAnswers, true) ? new PreparedAnswers(this) : undefined;
  }

  /** Where problems of its requests are reported. */
  get logger(): CachesetLogger {
    return this.settings.logger;
  }

  /** How long a request's unit of work waits for the in-process invalidation it started. */
  get workTimeoutMs(): number {
    return this.settings.invalidationTimeoutMs;
  }

  /** The exchange of one request, with these settings (an explained one reports to its trace). */
  createExchange(init: ExchangeInit): CacheExchange {
    const { trace } = init;
    const exchange = new HttpExchange(this, this.adapters, init.request, init.response, init.hints, trace);
    attachHttpSettings(exchange, trace === undefined ? this.settings : { ...this.settings, logger: trace.logger });
    return exchange;
  }

  /**
   * Prepares an explained request, for the application's own tools (an admin page): send a real
   * request for the URL to explain with `headers` added, and `report` resolves with what every layer
   * decided (ruleset and why, options and their origins, ETag components, headers, RAM and disk
   * verdicts). The request runs dry: nothing is stored, purged, invalidated, counted or logged. The
   * mark works once, in this process, on every adapter; nothing a client can send makes one.
   *
   * @example
   * const explain = caching.prepareExplain();
   * await fetch(`http://127.0.0.1:${port}/gallery/pets`, { headers: explain.headers });
   * const report = await explain.report; // report.ruleset, report.operations, report.layers ...
   */
  prepareExplain(): PreparedExplain {
    return this.explains.prepare();
  }

  /** Swaps in a new policy (validated like the first) for requests that start from now on. */
  setPolicy(policy: CachePolicy | PolicyData): void {
    const { operations, rulesets } = this.engine;
    const compiled =
      policy instanceof CachePolicy
        ? policy
        : CachePolicy.compile(policy, {
            operations,
            ...(rulesets.explicit ? { isDeclared: (n: string) => rulesets.getType(n) !== undefined } : {}),
          });
    validatePolicyComponents(compiled, operations, this.#components);
    this.engine.setPolicy(compiled);
  }

  /** The names of the ETag components this application can use. */
  componentNames(): readonly string[] {
    return [...this.#components.keys()];
  }
}

/** Creates the HTTP-header cache manager; see `HttpCachingOptions`. */
export function createHttpCaching(options: HttpCachingOptions): HttpCaching {
  return new HttpCaching(options);
}
