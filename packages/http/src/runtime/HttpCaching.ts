import { createHash } from 'node:crypto';
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
  type CacheUser,
  type CachesetLogger,
  type PolicyData,
  type RulesetLookup,
} from '@cacheset/core';
import type { Container } from 'inversify';
import { builtinETagComponents } from '../etag/builtinETagComponents.js';
import { catalogCounterComponent } from '../etag/catalogCounterComponent.js';
import { ETagComponent } from '../etag/ETagComponent.js';
import { HttpErrorCodes } from '../errors/httpErrorCodes.js';
import { isHeaderName } from '../headers/headerNames.js';
import { httpOperations, registerHttpOperations } from '../operations/standardOperations.js';
import type { ResponseCache } from '../responseCache/ResponseCache.js';
import { checkHttpOptionKeys } from './checkHttpOptionKeys.js';
import { validatePolicyComponents } from './validatePolicyComponents.js';
import { SURROGATE_KEY_HEADERS, type HttpSettings, type SurrogateKeyHeader } from './HttpSettings.js';

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
}

function invalid(message: string, value?: unknown): CachesetError {
  return new CachesetError(HttpErrorCodes.INVALID_HTTP_OPTIONS, message, { details: { value } });
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
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
      throw invalid(
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
    throw invalid(
      `surrogateKeyHeader: expected { name: a header name, separator: ' ' or ',', maxLength: an integer ≥ 64 }, got ${describeValue(value)}.`,
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
    throw invalid(
      `catalogCounter must be a CatalogCounter (catalogCounterOf(bus) of @cacheset/core), ` +
        `got ${describeValue(catalogCounter)}.`,
      catalogCounter,
    );
  if (
    invalidationTimeoutMs !== undefined &&
    (typeof invalidationTimeoutMs !== 'number' || !Number.isFinite(invalidationTimeoutMs) || invalidationTimeoutMs <= 0)
  )
    throw invalid(
      `invalidationTimeoutMs must be a positive number of milliseconds, got ${describeValue(invalidationTimeoutMs)}.`,
      invalidationTimeoutMs,
    );
  if (resourceVersion !== undefined && typeof resourceVersion !== 'string')
    throw invalid(`resourceVersion must be a string, got ${describeValue(resourceVersion)}.`, resourceVersion);
  if (
    cacheStatusName !== undefined &&
    (typeof cacheStatusName !== 'string' || !CACHE_STATUS_NAME.test(cacheStatusName))
  ) {
    throw invalid(
      `cacheStatusName must be a token (letters, digits, "-", ".", ...) or a quoted string, as RFC 9211 names a cache; got ${describeValue(cacheStatusName)}.`,
      cacheStatusName,
    );
  }
  if (now !== undefined && typeof now !== 'function')
    throw invalid(`now must be a function returning epoch milliseconds, got ${describeValue(now)}.`, now);
  if (etagComponents !== undefined && !Array.isArray(etagComponents))
    throw invalid(
      `etagComponents must be a list of { name, value(context) }, got ${describeValue(etagComponents)}.`,
      etagComponents,
    );
  if (lookupRuleset !== undefined && typeof lookupRuleset !== 'function')
    throw invalid(
      `lookupRuleset must be a function (exchange, rulesets) => ruleset name, got ${describeValue(lookupRuleset)}.`,
      lookupRuleset,
    );
  if (
    logger !== undefined &&
    (typeof logger !== 'object' ||
      logger === null ||
      typeof logger.error !== 'function' ||
      typeof logger.warn !== 'function')
  ) {
    throw invalid(
      `logger must have warn(message, details) and error(message, details) methods, got ${describeValue(logger)}.`,
      logger,
    );
  }
}

/**
 * The HTTP-header cache manager for one application: the policy, the operations, the settings, and
 * the engine that runs them. Server adapters (node:http, Express, Fastify, Koa) are thin shells
 * around it. Everything is validated here, at start-up: a bad option or an unknown ETag component in
 * the policy is an error now, never a surprise at request time.
 */
export class HttpCaching {
  readonly engine: CachingEngine;
  readonly settings: HttpSettings;
  readonly adapters: AdapterLookup | undefined;
  readonly userOf: UserResolver;
  /** The application replaced the ruleset lookup (`lookupRuleset`): routes cannot be checked ahead. */
  readonly customRulesetLookup: boolean;
  readonly #components: ReadonlyMap<string, ETagComponent>;

  constructor(options: HttpCachingOptions) {
    if (typeof options !== 'object' || options === null)
      throw invalid(`createHttpCaching: expected options, got ${describeValue(options)}.`, options);
    checkHttpOptionKeys(options);
    const operations = options.operations ?? registerHttpOperations(new OperationRegistry());
    const rulesets = options.rulesets ?? getDefaultRegistry() ?? new RulesetRegistry();
    // Explicit mode: a misspelt @cacheRuleset name stops start-up here, naming the class, instead of
    // failing at its first request; classes decorated later are checked when decorated.
    rulesets.verify();
    for (const [name, value] of [['behindProxy', options.behindProxy]] as const) {
      if (value !== undefined && typeof value !== 'boolean')
        throw invalid(`${name} must be true or false, got ${describeValue(value)}.`, value);
    }
    const maxBytes = options.ramCacheMaxBytes ?? 1_048_576;
    if (!Number.isInteger(maxBytes) || maxBytes <= 0)
      throw invalid(`ramCacheMaxBytes must be a positive integer, got ${describeValue(maxBytes)}.`, maxBytes);
    const stopVariables = options.cacheStopRequestVariables ?? [];
    if (!Array.isArray(stopVariables) || stopVariables.some((v) => typeof v !== 'string' || v.length === 0)) {
      throw invalid(
        `cacheStopRequestVariables must be a list of names, got ${describeValue(stopVariables)}.`,
        stopVariables,
      );
    }
    const cookies = options.authenticatedCookies ?? [];
    if (!Array.isArray(cookies) || cookies.some((v) => typeof v !== 'string' || v.length === 0))
      throw invalid(`authenticatedCookies must be a list of cookie names, got ${describeValue(cookies)}.`, cookies);
    if (options.user !== undefined && typeof options.user !== 'function')
      throw invalid(`user must be a function of the request, got ${describeValue(options.user)}.`, options.user);
    if (
      options.responseCache !== undefined &&
      typeof (options.responseCache as { lookup?: unknown }).lookup !== 'function'
    ) {
      throw invalid(
        `responseCache must have a lookup(key) method (a @cacheset/ram store), got ${describeValue(options.responseCache)}.`,
        options.responseCache,
      );
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
      behindProxy: options.behindProxy ?? false,
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
