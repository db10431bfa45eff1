import { randomBytes } from 'node:crypto';
import {
  annotationKey,
  hasCacheStopVariable,
  isPromiseLike,
  SHARED_SCOPE,
  type CachingOperation,
  type FillAbandonReason,
  type InterceptResult,
  type MaybePromise,
  type OperationContext,
  type OperationOptions,
  type OptionSchema,
  type ResponseCacheFill,
  type ResponseCacheLookup,
  type ResponseScope,
} from '@cacheset/core';
import { parseCacheControl } from '../headers/cacheControl.js';
import { varyNames } from '../headers/vary.js';
import { doNotCache, writeCachingHeaders, type CachingForm, type ModernDirectives } from '../headers/cachingHeaders.js';
import { USER_KEYING_COMPONENTS } from '../etag/builtinETagComponents.js';
import { pathOf, ramCacheKey } from '../responseCache/ramCacheKey.js';
import { DryFill } from '../responseCache/DryFill.js';
import { userScope, type UserKeying } from '../responseCache/userScope.js';
import { replayStoredResponse, toStoredResponse, unstorableReason } from '../responseCache/storedResponses.js';
import { addCacheStatus } from '../runtime/cacheStatus.js';
import { httpSettingsOf, reportOnce, type HttpSettings } from '../runtime/HttpSettings.js';
import { factsNow, gatherFacts, type FactNeeds, type RequestFacts } from '../runtime/requestFacts.js';
import { evaluatePreconditions } from '../validators/evaluatePreconditions.js';
import { formatEntityTag } from '../validators/entityTags.js';
import {
  abandonHeldFill,
  heldFill,
  holdFill,
  isLateIntercept,
  markIgnoreRange,
  noteResponseCacheSkipped,
  requestCapture,
  statusAbandonReason,
  takeHeldFill,
  type HeldFill,
} from '@cacheset/core/internal';

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
  publicStatuses: readonly number[];
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
  /** Statuses besides 200 (and 304, which stands for a 200) that get the caching headers. */
  readonly publicStatuses: ReadonlySet<number>;
  /** The policy's own `vary` is `*`: nothing may share the response. */
  readonly varyStar: boolean;
  readonly weakETag: boolean;
  readonly needs: FactNeeds;
  /** The ETag is keyed to the user or role, so a RAM copy may serve that user or role. */
  readonly userKeyed: boolean;
  readonly userKeying: UserKeying;
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
    publicStatuses: new Set(o.publicStatuses ?? []),
    varyStar: (o.vary ?? []).includes('*'),
    weakETag: o.weakETag === true,
    needs: { etagKeys, lastModified: o.lastModified === true },
    userKeyed: etagKeys.some((k) => USER_KEYING_COMPONENTS.has(k)) && !etagKeys.includes('anonymousOrRandom'),
    userKeying: { byId: etagKeys.includes('userid'), byRoles: etagKeys.includes('roles') },
  };
  plans.set(o, plan);
  return plan;
}

/**
 * The fill this operation holds on the exchange (see `holdFill`), with what it will be stored with.
 * A class, so that the operation can tell its own held fill from another one's.
 */
class PendingFill implements HeldFill {
  readonly key: string;
  readonly fill: ResponseCacheFill;
  readonly vary: readonly string[];
  readonly surrogateKeys: readonly string[];
  /** A capture of the finished response was requested (by the first operation that modified). */
  captureRequested = false;

  constructor(key: string, fill: ResponseCacheFill, vary: readonly string[], surrogateKeys: readonly string[]) {
    this.key = key;
    this.fill = fill;
    this.vary = vary;
    this.surrogateKeys = surrogateKeys;
  }
}

const NOTHING_LOOKED_UP: ResponseCacheLookup = Object.freeze({});

const isSafe = (method: string): boolean => method === 'GET' || method === 'HEAD';

function randomToken(now: number): string {
  return `${now}${randomBytes(3).toString('hex')}`;
}

export interface AppSignals {
  readonly setCookie: boolean;
  /** The application set private or no-store itself. */
  readonly appPrivate: boolean;
  readonly appNoStore: boolean;
  /** The application sent `Vary: *`: no cache may reuse the response for another request. */
  readonly varyStar: boolean;
}

const NO_SIGNALS: AppSignals = { setCookie: false, appPrivate: false, appNoStore: false, varyStar: false };

const signalsKey = annotationKey<AppSignals>('cacheset.http.appSignals');

/**
 * What the application itself said about the response, read once per exchange before the first
 * operation writes headers: a later member of a chain must not mistake an earlier member's
 * `private` for the application's.
 */
export function appSignals(ctx: OperationContext): AppSignals {
  const memo = signalsKey.get(ctx.exchange);
  if (memo !== undefined) return memo;
  const directives = parseCacheControl(ctx.response.getHeader('cache-control'));
  const signals: AppSignals = {
    setCookie: ctx.response.getHeader('set-cookie') !== undefined,
    appPrivate: directives.has('private') || directives.has('no-store'),
    appNoStore: directives.has('no-store'),
    varyStar: varyNames(ctx.response.getHeader('vary')).includes('*'),
  };
  signalsKey.set(ctx.exchange, signals);
  return signals;
}

interface HeaderOccasion {
  /** Leave Last-Modified out (a 304 with an ETag does not need it). */
  readonly omitLastModified: boolean;
  /** Nothing has set headers yet (intercept, before the view ran). */
  readonly fresh: boolean;
}

const AFTER_RENDERING: HeaderOccasion = { omitLastModified: false, fresh: false };

/**
 * plone.app.caching's modifyResponse header logic with cacheset's rule: a shared cache may store the
 * response only when the request is anonymous, anonymous visitors may see the content, the response
 * sets no cookie, is not private by the application's own say, and carries no `Vary: *` (from the
 * application or the policy). Otherwise any public form is downgraded to browser-only private
 * headers (maxage = smaxage = 0).
 */
function applyHeaders(
  ctx: OperationContext,
  plan: Plan,
  facts: RequestFacts,
  signals: AppSignals,
  settings: HttpSettings,
  now: number,
  occasion: HeaderOccasion = AFTER_RENDERING,
): CachingForm {
  const shareable =
    ctx.request.user === undefined &&
    facts.contentPublic &&
    !signals.setCookie &&
    !signals.appPrivate &&
    !signals.varyStar &&
    !plan.varyStar;
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
    lastModified: plan.lastModified && !occasion.omitLastModified ? facts.lastModified?.toMillis() : undefined,
    vary: plan.vary,
    modern: plan.modern,
    surrogateKeys: plan.surrogateKeys ? facts.surrogateKeys : [],
    surrogateKeyHeader: settings.behindProxy ? settings.surrogateKeyHeader : undefined,
    noStore: signals.appNoStore,
    now,
    fresh: occasion.fresh,
  });
}

/**
 * Whether a response of this status gets the operation's caching headers at all: a 200, a 304 (it
 * stands for the 200 it validates), a status the ruleset lists in `publicStatuses`, or an error
 * under `publicErrors`. Redirects, 204s, 206s and the rest are not cached unless listed: a proxy
 * keeping a redirect for a day is rarely what the page's ruleset meant.
 */
function statusCacheable(status: number, plan: Plan): boolean {
  if (status === 200 || status === 304 || plan.publicStatuses.has(status)) return true;
  return status >= 400 && plan.publicErrors;
}

/** Synchronous whenever the facts and the response cache answer synchronously. */
function intercept(
  ctx: OperationContext<Partial<StandardCachingOptions>>,
  plan: Plan,
): MaybePromise<InterceptResult | undefined> {
  const facts = gatherFacts(ctx, plan.needs);
  return isPromiseLike<RequestFacts>(facts)
    ? Promise.resolve(facts).then((f) => interceptWith(ctx, plan, f))
    : interceptWith(ctx, plan, facts);
}

function interceptWith(
  ctx: OperationContext<Partial<StandardCachingOptions>>,
  plan: Plan,
  facts: RequestFacts,
): MaybePromise<InterceptResult | undefined> {
  const settings = httpSettingsOf(ctx.exchange);
  const { request, response, exchange } = ctx;
  const stop = hasCacheStopVariable(request, settings.cacheStopRequestVariables);
  const lastModified = plan.lastModified ? facts.lastModified?.toMillis() : undefined;
  if (facts.etag !== undefined || lastModified !== undefined) {
    const result = evaluatePreconditions({
      method: request.method,
      header: (n) => request.header(n),
      etag: facts.etag,
      weakETag: plan.weakETag,
      lastModified,
    });
    if (result.ignoreRange) markIgnoreRange(exchange);
    if (result.outcome === 'precondition-failed') {
      // An earlier member of a chain may hold a RAM fill this answer will never store.
      abandonHeldFill(exchange, 'answered');
      response.status = 412;
      return { body: '' };
    }
    if (result.outcome === 'not-modified' && !stop) {
      abandonHeldFill(exchange, 'answered');
      // RFC 9110 §15.4.5: a 304 carries what a 200 would (ETag, Cache-Control, Expires, Vary); it
      // needs Last-Modified only when there is no ETag.
      applyHeaders(ctx, plan, facts, NO_SIGNALS, settings, settings.now(), {
        omitLastModified: facts.etag !== undefined,
        fresh: true,
      });
      response.removeHeader('Content-Type');
      response.removeHeader('Content-Length');
      response.status = 304;
      return { body: '' };
    }
  }
  const cache = settings.responseCache;
  if (cache === undefined) return undefined;
  if (!plan.ramCache) {
    exchange.trace?.layer({ layer: 'ram', stores: false, reason: 'off-for-ruleset' });
    return undefined;
  }
  // An earlier operation of a chain already looked this request up and holds its fill.
  if (heldFill(exchange) !== undefined) return undefined;
  const statusOn = ctx.debugHeader('cacheStatus');
  const user = request.user;
  // Content anonymous visitors may not see is kept only per user id, never shared (IAnonymousAccess).
  const keyedByUser = user !== undefined && plan.userKeyed && (facts.contentPublic || plan.userKeying.byId);
  if (!isSafe(request.method) || stop || (user === undefined ? !facts.contentPublic : !keyedByUser)) {
    if (statusOn) addCacheStatus(response, settings.cacheStatusName, 'fwd=bypass');
    exchange.trace?.layer({ layer: 'ram', stores: false, reason: bypassReason(request.method, stop, facts, user) });
    return undefined;
  }
  // Whom the copy may answer: the store binds it to this, so no other user or role set can find it.
  const scope: ResponseScope = user === undefined ? SHARED_SCOPE : userScope(user, plan.userKeying);
  const key = ramCacheKey(
    request,
    facts.etag,
    plan.lastModified ? facts.lastModified : undefined,
    plan.vary ?? [],
    scope,
  );
  const failed = (error: unknown): undefined => {
    reportOnce(
      settings.logger,
      `cacheset: the response cache failed a lookup; requests render uncached. ${error instanceof Error ? error.message : String(error)}`,
      { error },
    );
    return undefined;
  };
  const answer = (lookup: ResponseCacheLookup): InterceptResult | undefined => {
    if (lookup.response !== undefined) {
      replayStoredResponse(response, lookup.response, settings.now(), ctx.debugHeader('ramCache'));
      if (statusOn)
        addCacheStatus(response, settings.cacheStatusName, lookup.collapsed === true ? 'hit; collapsed' : 'hit');
      return { body: lookup.response.body };
    }
    if (lookup.fill !== undefined) {
      if (request.method === 'HEAD') lookup.fill.abandon('head');
      else holdFill(exchange, new PendingFill(key, lookup.fill, plan.vary ?? [], facts.surrogateKeys));
    }
    if (statusOn) addCacheStatus(response, settings.cacheStatusName, 'fwd=uri-miss');
    return undefined;
  };
  // Intercept after rendering started (a late hint): the page is rendered, the cache is left out.
  if (isLateIntercept(exchange)) {
    noteResponseCacheSkipped(exchange);
    return answer(NOTHING_LOOKED_UP);
  }
  // An explained request never reads or fills the store: its fill records what would happen.
  if (exchange.trace !== undefined) return answer({ fill: new DryFill(exchange.trace, cache, key, scope) });
  let lookup: MaybePromise<ResponseCacheLookup>;
  try {
    lookup = cache.lookup(key, scope);
  } catch (error) {
    return failed(error);
  }
  return isPromiseLike<ResponseCacheLookup>(lookup) ? Promise.resolve(lookup).then(answer, failed) : answer(lookup);
}

/** Why the RAM cache is not asked at all, for an explained request. */
function bypassReason(method: string, stop: boolean, facts: RequestFacts, user: unknown): string {
  if (!isSafe(method) || stop) return 'not-cacheable';
  if (user === undefined || !facts.contentPublic) return 'not-public';
  return 'authenticated';
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
    abandonHeldFill(exchange, 'not-cacheable');
    return;
  }
  if (!statusCacheable(response.status, plan)) {
    doNotCache(response, now, signals.appNoStore);
    abandonHeldFill(exchange, statusAbandonReason(response.status));
    return;
  }
  applyHeaders(ctx, plan, facts, signals, settings, now);
  const pending = heldFill(exchange);
  // Another operation's fill (or none): not this operation's to capture.
  if (!(pending instanceof PendingFill)) return;
  const refused: FillAbandonReason | undefined =
    response.status !== 200
      ? statusAbandonReason(response.status)
      : signals.setCookie
        ? 'sets-cookie'
        : signals.appPrivate
          ? 'private'
          : undefined;
  if (refused !== undefined) {
    abandonHeldFill(exchange, refused);
    return;
  }
  // The fill stays on the exchange until the response is finished, so a later operation of a chain
  // (noCaching, or one that sees a cookie) can still abandon it; the capture settles it only if not.
  if (pending.captureRequested) return;
  pending.captureRequested = true;
  requestCapture(exchange, {
    maxBytes: settings.ramCacheMaxBytes,
    complete(captured) {
      if (takeHeldFill(exchange, pending) === undefined) return;
      const reason = unstorableReason(captured, pending.vary, signals.appPrivate);
      if (reason !== undefined) pending.fill.abandon(reason);
      else
        pending.fill.store(
          { key: pending.key, path: pathOf(request.url), ruleset: ctx.ruleset, surrogateKeys: pending.surrogateKeys },
          toStoredResponse(captured, now),
        );
    },
    abandon(reason) {
      takeHeldFill(exchange, pending)?.fill.abandon(reason);
    },
  });
}

/** The intercept functions of operations built here (a registry keeps a copy of the operation, not it). */
const standardIntercepts = new WeakSet<object>();

/**
 * Whether `operation` was built by `createCachingOperation`: its intercept answers a 304 exactly
 * when the preconditions say not-modified and no cache-stop variable is present (prepared answers
 * rely on that).
 */
export function isStandardOperation(operation: CachingOperation): boolean {
  return operation.intercept !== undefined && standardIntercepts.has(operation.intercept);
}

/** Builds one of the standard operations from its options and fixed values. */
export function createCachingOperation(spec: CachingOperationSpec): CachingOperation<Partial<StandardCachingOptions>> {
  const operation: CachingOperation<Partial<StandardCachingOptions>> = {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    sort: spec.sort,
    options: spec.options as OptionSchema<Partial<StandardCachingOptions>>,
    intercept: (ctx) => intercept(ctx, planOf(ctx, spec.fixed)),
    modify: (ctx) => modify(ctx, planOf(ctx, spec.fixed)),
  };
  standardIntercepts.add(operation.intercept as object);
  return operation;
}
