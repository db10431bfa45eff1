import { randomBytes } from 'node:crypto';
import type { CacheExchange, CachingOperation, InterceptResult, OperationContext, OperationOptions, OptionSchema } from '@cacheset/core';
import { requestCapture } from '../capture/captureResponse.js';
import { parseCacheControl } from '../headers/cacheControl.js';
import { doNotCache, writeCachingHeaders, type CachingForm, type ModernDirectives } from '../headers/cachingHeaders.js';
import { USER_KEYING_COMPONENTS } from '../etag/builtinETagComponents.js';
import { pathOf, ramCacheKey } from '../responseCache/ramCacheKey.js';
import type { ResponseCacheFill } from '../responseCache/ResponseCache.js';
import { replayStoredResponse, toStoredResponse, unstorableReason } from '../responseCache/storedResponses.js';
import { hasCacheStopVariable } from '../runtime/cacheStop.js';
import { addCacheStatus } from '../runtime/cacheStatus.js';
import { httpSettingsOf, reportOnce, type HttpSettings } from '../runtime/HttpSettings.js';
import { factsNow, gatherFacts, type FactNeeds, type RequestFacts } from '../runtime/requestFacts.js';
import { evaluatePreconditions } from '../validators/evaluatePreconditions.js';
import { formatEntityTag } from '../validators/entityTags.js';

/** Every option any standard operation may have; each operation declares a subset. */
export interface StandardCachingOptions extends OperationOptions {
  maxage: number;
  smaxage: number;
  etags: readonly string[];
  lastModified: boolean;
  ramCache: boolean;
  vary: readonly string[];
  anonOnly: boolean;
  staleWhileRevalidate: number;
  staleIfError: number;
  immutable: boolean;
  noTransform: boolean;
  surrogateMaxage: number;
  cdnMaxage: number;
  surrogateKeys: boolean;
  publicErrors: boolean;
  weakETag: boolean;
}

export interface CachingOperationSpec {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly sort: number;
  readonly options: Partial<OptionSchema<StandardCachingOptions>>;
  /** Values of options the operation does not offer (moderate: maxage 0; weak: maxage 0, no smaxage). */
  readonly fixed?: { readonly maxage?: number | null; readonly smaxage?: number | null };
}

/** The options of one request, normalized: what the header logic works from. */
interface Plan {
  readonly maxage: number | null;
  readonly smaxage: number | null;
  readonly etagKeys: readonly string[];
  readonly lastModified: boolean;
  readonly ramCache: boolean;
  readonly vary: readonly string[] | null;
  readonly modern: ModernDirectives;
  readonly surrogateKeys: boolean;
  readonly publicErrors: boolean;
  readonly weakETag: boolean;
  readonly needs: FactNeeds;
  /** The ETag is keyed to the user or role, so a RAM copy may serve that user or role. */
  readonly userKeyed: boolean;
}

const plans = new WeakMap<object, Plan>();

function planOf(ctx: OperationContext<Partial<StandardCachingOptions>>, fixed: CachingOperationSpec['fixed']): Plan {
  const o = ctx.options;
  let plan = plans.get(o);
  if (plan !== undefined) return plan;
  const etagKeys = [...(o.etags ?? [])];
  if (o.anonOnly === true && !etagKeys.includes('anonymousOrRandom')) etagKeys.push('anonymousOrRandom');
  const modern: ModernDirectives = {
    staleWhileRevalidate: o.staleWhileRevalidate ?? null,
    staleIfError: o.staleIfError ?? null,
    immutable: o.immutable === true,
    noTransform: o.noTransform === true,
    surrogateMaxage: o.surrogateMaxage ?? null,
    cdnMaxage: o.cdnMaxage ?? null,
  };
  plan = {
    maxage: fixed?.maxage !== undefined ? fixed.maxage : (o.maxage ?? null),
    smaxage: fixed?.smaxage !== undefined ? fixed.smaxage : (o.smaxage ?? null),
    etagKeys,
    lastModified: o.lastModified === true,
    ramCache: o.ramCache === true,
    vary: o.vary ?? null,
    modern,
    surrogateKeys: o.surrogateKeys !== false,
    publicErrors: o.publicErrors === true,
    weakETag: o.weakETag === true,
    needs: { etagKeys, lastModified: o.lastModified === true },
    userKeyed: etagKeys.some((k) => USER_KEYING_COMPONENTS.has(k)) && !etagKeys.includes('anonymousOrRandom'),
  };
  plans.set(o, plan);
  return plan;
}

const fillKey = Symbol('cacheset.http.fill');
const ignoreRangeKey = Symbol.for('cacheset.http.ignoreRange');

interface PendingFill {
  readonly key: string;
  readonly fill: ResponseCacheFill;
  readonly vary: readonly string[];
  readonly surrogateKeys: readonly string[];
}

/** Whether an If-Range mismatch means the request's Range header must be ignored (server adapters). */
export function shouldIgnoreRange(exchange: CacheExchange): boolean {
  return exchange.annotations.get(ignoreRangeKey) === true;
}

/**
 * Releases a RAM-cache fill this exchange still holds (server adapters call it when a response ends):
 * waiting requests then render for themselves.
 */
export function abandonPendingFill(exchange: CacheExchange, reason: string): void {
  const pending = exchange.annotations.get(fillKey) as PendingFill | undefined;
  if (pending === undefined) return;
  exchange.annotations.delete(fillKey);
  pending.fill.abandon(reason);
}

const isSafe = (method: string): boolean => method === 'GET' || method === 'HEAD';

function randomToken(now: number): string {
  return `${now}${randomBytes(3).toString('hex')}`;
}

interface AppSignals {
  readonly setCookie: boolean;
  /** The application set private or no-store itself. */
  readonly appPrivate: boolean;
  readonly appNoStore: boolean;
}

const NO_SIGNALS: AppSignals = { setCookie: false, appPrivate: false, appNoStore: false };

function appSignals(ctx: OperationContext): AppSignals {
  const directives = parseCacheControl(ctx.response.getHeader('cache-control'));
  return {
    setCookie: ctx.response.getHeader('set-cookie') !== undefined,
    appPrivate: directives.has('private') || directives.has('no-store'),
    appNoStore: directives.has('no-store'),
  };
}

/**
 * plone.app.caching's modifyResponse header logic with DESIGN §3's rule: a shared cache may store the
 * response only when the request is anonymous, anonymous visitors may see the content, and the
 * response sets no cookie and is not private by the application's own say. Otherwise any public form
 * is downgraded to browser-only private headers (maxage = smaxage = 0).
 */
function applyHeaders(ctx: OperationContext, plan: Plan, facts: RequestFacts, signals: AppSignals, settings: HttpSettings, now: number): CachingForm {
  const shareable = ctx.request.user === undefined && facts.contentPublic && !signals.setCookie && !signals.appPrivate;
  let { maxage, smaxage } = plan;
  if (!shareable && ((maxage !== null && maxage > 0) || (smaxage !== null && smaxage > 0))) {
    maxage = 0;
    smaxage = 0;
  }
  return writeCachingHeaders(ctx.response, {
    maxage,
    smaxage,
    etag: facts.etag,
    weakETag: plan.weakETag,
    lastModified: plan.lastModified ? facts.lastModified?.toMillis() : undefined,
    vary: plan.vary,
    modern: plan.modern,
    surrogateKeys: plan.surrogateKeys ? facts.surrogateKeys : [],
    surrogateKeyHeader: settings.behindProxy ? settings.surrogateKeyHeader : undefined,
    noStore: signals.appNoStore,
    now,
  });
}

async function intercept(ctx: OperationContext<Partial<StandardCachingOptions>>, plan: Plan): Promise<InterceptResult | undefined> {
  const settings = httpSettingsOf(ctx.exchange);
  const { request, response, exchange } = ctx;
  const facts = await gatherFacts(ctx, plan.needs);
  const stop = hasCacheStopVariable(request, settings.cacheStopRequestVariables);
  const lastModified = plan.lastModified ? facts.lastModified?.toMillis() : undefined;
  if (facts.etag !== undefined || lastModified !== undefined) {
    const result = evaluatePreconditions({ method: request.method, header: (n) => request.header(n), etag: facts.etag, weakETag: plan.weakETag, lastModified });
    if (result.ignoreRange) exchange.annotations.set(ignoreRangeKey, true);
    if (result.outcome === 'precondition-failed') {
      response.status = 412;
      return { body: '' };
    }
    if (result.outcome === 'not-modified' && !stop) {
      const now = settings.now();
      // RFC 9110 §15.4.5: a 304 carries what a 200 would (ETag, Cache-Control, Expires, Vary).
      applyHeaders(ctx, plan, facts, NO_SIGNALS, settings, now);
      if (facts.etag !== undefined) response.removeHeader('Last-Modified');
      response.removeHeader('Content-Type');
      response.removeHeader('Content-Length');
      response.status = 304;
      return { body: '' };
    }
  }
  const cache = settings.responseCache;
  if (!plan.ramCache || cache === undefined) return undefined;
  const statusOn = ctx.debugHeader('cacheStatus');
  if (!isSafe(request.method) || stop || (request.user !== undefined && !plan.userKeyed)) {
    if (statusOn) addCacheStatus(response, settings.cacheStatusName, 'fwd=bypass');
    return undefined;
  }
  const key = ramCacheKey(request, facts.etag, plan.lastModified ? facts.lastModified : undefined, plan.vary ?? []);
  let lookup;
  try {
    lookup = await cache.lookup(key);
  } catch (error) {
    reportOnce(settings.logger, `cacheset: the response cache failed a lookup; requests render uncached. ${error instanceof Error ? error.message : String(error)}`, { error });
    return undefined;
  }
  if (lookup.response !== undefined) {
    replayStoredResponse(response, lookup.response, settings.now(), ctx.debugHeader('ramCache'));
    if (statusOn) addCacheStatus(response, settings.cacheStatusName, lookup.collapsed === true ? 'hit; collapsed' : 'hit');
    return { body: lookup.response.body };
  }
  if (lookup.fill !== undefined) {
    if (request.method === 'HEAD') lookup.fill.abandon('HEAD has no body to store');
    else exchange.annotations.set(fillKey, { key, fill: lookup.fill, vary: plan.vary ?? [], surrogateKeys: facts.surrogateKeys } satisfies PendingFill);
  }
  if (statusOn) addCacheStatus(response, settings.cacheStatusName, 'fwd=uri-miss');
  return undefined;
}

function modify(ctx: OperationContext<Partial<StandardCachingOptions>>, plan: Plan): void {
  const settings = httpSettingsOf(ctx.exchange);
  const { request, response, exchange } = ctx;
  const now = settings.now();
  const facts = factsNow(ctx, plan.needs);
  const signals = appSignals(ctx);
  if (!isSafe(request.method) || hasCacheStopVariable(request, settings.cacheStopRequestVariables)) {
    // Never public: a random ETag (when ETags are configured) keeps browsers from reusing it.
    if (plan.etagKeys.length > 0) response.setHeader('ETag', formatEntityTag(randomToken(now), plan.weakETag));
    doNotCache(response, now, signals.appNoStore);
    abandonPendingFill(exchange, 'not cacheable');
    return;
  }
  if (response.status >= 400 && !plan.publicErrors) {
    doNotCache(response, now, signals.appNoStore);
    abandonPendingFill(exchange, `status ${response.status}`);
    return;
  }
  applyHeaders(ctx, plan, facts, signals, settings, now);
  const pending = exchange.annotations.get(fillKey) as PendingFill | undefined;
  if (pending === undefined) return;
  exchange.annotations.delete(fillKey);
  if (response.status !== 200 || signals.setCookie || signals.appPrivate) {
    pending.fill.abandon(response.status !== 200 ? `status ${response.status}` : signals.setCookie ? 'sets a cookie' : 'private or no-store');
    return;
  }
  requestCapture(exchange, {
    maxBytes: settings.ramCacheMaxBytes,
    complete(captured) {
      const reason = unstorableReason(captured, pending.vary, signals.appPrivate);
      if (reason !== undefined) pending.fill.abandon(reason);
      else pending.fill.store({ key: pending.key, path: pathOf(request.url), ruleset: ctx.ruleset, surrogateKeys: pending.surrogateKeys }, toStoredResponse(captured, now));
    },
    abandon(reason) {
      pending.fill.abandon(reason);
    },
  });
}

/** Builds one of the standard operations from its options and fixed values. */
export function createCachingOperation(spec: CachingOperationSpec): CachingOperation<Partial<StandardCachingOptions>> {
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    sort: spec.sort,
    options: spec.options as OptionSchema<Partial<StandardCachingOptions>>,
    intercept: (ctx) => intercept(ctx, planOf(ctx, spec.fixed)),
    modify: (ctx) => modify(ctx, planOf(ctx, spec.fixed)),
  };
}

