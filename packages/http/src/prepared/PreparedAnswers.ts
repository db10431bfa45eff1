import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  findViewAdapter,
  isClass,
  isPromiseLike,
  OPERATION_HEADER,
  ILastModified,
  RULE_HEADER,
  SHARED_SCOPE,
  type CachePolicy,
  type CacheUser,
  type ResponseCache,
  type ResponseCacheLookup,
  type StoredResponse,
  type CachingOperation,
} from '@cacheset/core';
import type { HttpCachingSession } from '../node/HttpCachingSession.js';
import { NodeCacheRequest } from '../node/nodeExchange.js';
import { NODE_HIT_WRITER, type PreparedHitWriter } from '../node/preparedHitWriter.js';
import { DateTime } from 'luxon';
import { ramCacheKey } from '../responseCache/ramCacheKey.js';
import { replayAge, replayStoredResponse } from '../responseCache/storedResponses.js';
import { RecordedHeaders } from './RecordedHeaders.js';
import { fitsTemplate, learnRenderTemplate, type RenderTemplate } from './renderTemplate.js';
import type { HeaderReader, HeaderSnapshot, HeaderValue } from '../node/headerSnapshot.js';
import { addCacheStatus } from '../runtime/cacheStatus.js';
import { httpDateFromNow } from '../dates/expiresDate.js';
import type { ETagComponentContext, ETagComponentValue } from '../etag/ETagComponent.js';
import { joinETagTokens } from '../etag/joinETagTokens.js';
import { hintsOf, type RouteCaching } from '../node/routeHints.js';
import { isStandardOperation, type StandardCachingOptions } from '../operations/createCachingOperation.js';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { IAnonymousAccess } from '../runtime/IAnonymousAccess.js';
import { gatheredValidators } from '../runtime/requestFacts.js';
import { evaluatePreconditions } from '../validators/evaluatePreconditions.js';

/**
 * The built-in ETag components whose value depends on nothing but the published object's
 * ILastModified, the resource version, the catalog counter and the user's id and roles: a prepared
 * answer can recompute them per request without an exchange. (Built-in names cannot be rebound: two
 * components of one name are refused at start-up.) Any other component sends the request the
 * engine's way every time.
 */
const RECOMPUTABLE = new Set([
  'lastModified',
  'resourceVersion',
  'catalogCounter',
  'userid',
  'roles',
  'anonymousOrRandom',
]);

/** Thrown by the component context when a component reaches for the exchange: not preparable. */
const NEEDS_EXCHANGE = Symbol('cacheset.http.preparedNeedsExchange');

/**
 * What a recomputable component sees: the request's user, the published object and its
 * ILastModified the engine resolved (made when a prepared answer is learnt).
 */
class PreparedComponentContext implements ETagComponentContext {
  readonly published: unknown;
  readonly user: CacheUser | undefined;
  readonly resourceVersion: string | undefined;
  readonly #lastModified: DateTime | undefined;

  constructor(
    published: unknown,
    lastModified: DateTime | undefined,
    resourceVersion: string | undefined,
    user: CacheUser | undefined,
  ) {
    this.published = published;
    this.#lastModified = lastModified;
    this.resourceVersion = resourceVersion;
    this.user = user;
  }

  get exchange(): never {
    throw NEEDS_EXCHANGE;
  }

  get request(): never {
    throw NEEDS_EXCHANGE;
  }

  lastModified(): DateTime | undefined {
    return this.#lastModified;
  }
}

/** Marks "could not tell": the request goes the engine's way. */
const UNKNOWN = Symbol('cacheset.http.preparedUnknown');
type Known<T> = T | typeof UNKNOWN;

/** Signed-in users whose 304s are kept per route; past it the one learnt first makes room. */
const MAX_USER_ENTRIES = 1_000;

/**
 * What a signed-in user's prepared 304 is keyed by: the id and the roles, the only parts of a user the
 * standard operations and the recomputable components read. UNKNOWN for a user the engine would
 * have to judge (not an id and a list of role names).
 */
function userKey(user: CacheUser): Known<string> {
  if (typeof user !== 'object' || user === null || typeof user.id !== 'string' || !Array.isArray(user.roles))
    return UNKNOWN;
  const roles = user.roles as readonly unknown[];
  if (!roles.every((role) => typeof role === 'string')) return UNKNOWN;
  // JSON keeps any id apart from any roles; sorting makes the key the roles' set.
  return JSON.stringify([user.id, [...(roles as string[])].sort()]);
}

/**
 * What the engine decided for a route's published object, and the facts that decision rests on: a
 * request is answered from a prepared answer only when every fact is the same now.
 */
interface PreparedFacts {
  readonly policy: CachePolicy;
  readonly ruleset: string;
  readonly operationName: string;
  readonly operation: CachingOperation;
  readonly etagKeys: readonly string[];
  readonly weakETag: boolean;
  /** Whether ILastModified takes part (the Last-Modified header or the `lastModified` component). */
  readonly readsLastModified: boolean;
  /** Whether Last-Modified is a validator of its own (the `lastModified` option). */
  readonly lastModifiedValidates: boolean;
  readonly lastModifiedMs: number | undefined;
  readonly etag: string | undefined;
  /** The catalog counter when learnt: any content event (an invalidation) retires the entry. */
  readonly counter: ETagComponentValue;
}

/** A prepared 304. */
interface PreparedEntry extends PreparedFacts {
  /** The answer's headers as the engine wrote them, flat; the Expires value is refreshed per second. */
  readonly headers: readonly string[];
  readonly expiresAt: number;
  readonly expiresOffset: number;
  second: number;
  current: string[];
  /** The last If-None-Match text that evaluated to not-modified against `etag`. */
  matchedIfNoneMatch: string | undefined;
}

/** A prepared RAM-cache lookup: the key is made and the copy replayed as the operation does. */
interface PreparedRamEntry extends PreparedFacts {
  readonly vary: readonly string[];
  readonly cache: ResponseCache & Required<Pick<ResponseCache, 'peek'>>;
  readonly ruleHeader: boolean;
  readonly operationHeader: boolean;
  readonly ramHeader: boolean;
  readonly cacheStatus: boolean;
}

/** A prepared render: the caching headers of a page its handler renders, around the handler's own. */
export interface PreparedRender extends PreparedFacts {
  readonly template: RenderTemplate;
  /** This second's Expires (formatted once a second). */
  second: number;
  expires: string;
}

/** Renders a route may fail to teach before it stops trying (until the policy changes). */
const MAX_RENDER_TRIES = 8;

/**
 * A RAM hit's answer, made once by the engine's own replay steps and sent as it is by every hit of
 * the same stored response while the second and the replayed Age stay the same (its Expires and Age
 * are the only headers that move with the clock).
 */
interface PreparedHit {
  readonly entry: PreparedRamEntry;
  readonly second: number;
  readonly age: number;
  /** Flat: `[name, value, ...]`, in the order the engine sets them. */
  readonly headers: readonly string[];
  readonly body: Buffer;
}

/**
 * The answer the engine's RAM-cache step gives for `stored`: the rule header, the replayed stored
 * headers with a fresh Age and Expires, Cache-Status (appended to `existing`, what the target
 * already carries) and the operation header, in that order.
 */
function prepareHit(
  entry: PreparedRamEntry,
  stored: StoredResponse,
  now: number,
  cacheStatusName: string,
  collapsed: boolean,
  existing: string | undefined,
): PreparedHit {
  const recorded = new RecordedHeaders(existing === undefined ? undefined : new Map([['cache-status', existing]]));
  if (entry.ruleHeader) recorded.setHeader(RULE_HEADER, entry.ruleset);
  replayStoredResponse(recorded, stored, now, entry.ramHeader);
  if (entry.cacheStatus) addCacheStatus(recorded, cacheStatusName, collapsed ? 'hit; collapsed' : 'hit');
  if (entry.operationHeader) recorded.setHeader(OPERATION_HEADER, entry.operationName);
  const { body } = stored;
  return {
    entry,
    second: Math.floor(now / 1000),
    age: replayAge(stored, now),
    headers: recorded.flat(),
    body: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
  };
}

const isSafe = (method: string | undefined): boolean => method === 'GET' || method === 'HEAD';

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The conditional GET/HEAD a prepared 304 may answer: If-None-Match or If-Modified-Since, and none
 * of the headers whose handling is more than "matches, so 304" (If-Match, If-Unmodified-Since, Range).
 */
function plainConditional(req: IncomingMessage): boolean {
  const h = req.headers;
  if (h['if-none-match'] === undefined && h['if-modified-since'] === undefined) return false;
  return (
    h['if-match'] === undefined &&
    h['if-unmodified-since'] === undefined &&
    h.range === undefined &&
    h['if-range'] === undefined
  );
}

/** A GET/HEAD with no validator or range at all: the RAM cache is asked (preconditions cannot answer). */
function unconditional(req: IncomingMessage): boolean {
  const h = req.headers;
  return (
    h['if-none-match'] === undefined &&
    h['if-modified-since'] === undefined &&
    h['if-match'] === undefined &&
    h['if-unmodified-since'] === undefined &&
    h.range === undefined &&
    h['if-range'] === undefined
  );
}

/** The ruleset the engine's default lookup finds for a route's hints, as it would now. */
function rulesetNow(caching: HttpCaching, route: RouteCaching): string | undefined {
  const { rulesets } = caching.engine;
  if (route.ruleset !== undefined)
    return rulesets.explicit && rulesets.getType(route.ruleset) === undefined ? undefined : route.ruleset;
  const { published } = route;
  if (published === undefined) return undefined;
  return isClass(published) ? rulesets.lookupClass(published) : rulesets.lookup(published);
}

/**
 * ILastModified of the published object now, synchronously, or UNKNOWN: async, or anything
 * `resolveLastModifiedNow` would report (no method, a throw, not a valid DateTime), which the
 * engine then reports. Written out here because the core's version builds its error texts first.
 */
function lastModifiedNow(caching: HttpCaching, published: unknown): Known<DateTime | undefined> {
  const { adapters } = caching;
  if (adapters === undefined || published === undefined) return undefined;
  const found = findViewAdapter(adapters, published, ILastModified);
  if (found === undefined) return undefined;
  const adapter = adapters.create(found.match, found.object) as Partial<ILastModified> | undefined;
  if (adapter === undefined) return undefined;
  if (typeof adapter.lastModified !== 'function') return UNKNOWN;
  let value: unknown;
  try {
    value = adapter.lastModified();
  } catch {
    return UNKNOWN;
  }
  if (value === undefined || value === null) return undefined;
  if (DateTime.isDateTime(value) && value.isValid) return value;
  if (isPromiseLike(value)) Promise.resolve(value).catch(() => undefined);
  return UNKNOWN;
}

/** Whether an IAnonymousAccess adapter may say the content is not public: then nothing is prepared. */
function accessAdapted(caching: HttpCaching, published: unknown): boolean {
  const { adapters } = caching;
  if (adapters === undefined || published === undefined) return false;
  try {
    return findViewAdapter(adapters, published, IAnonymousAccess) !== undefined;
  } catch {
    return true;
  }
}

/** One component's token for an anonymous request, or UNKNOWN when it is async, throws or needs more. */
function componentToken(
  caching: HttpCaching,
  name: string,
  context: PreparedComponentContext,
): Known<string | undefined> {
  const component = caching.settings.components.get(name);
  if (component === undefined) return UNKNOWN;
  let value: ETagComponentValue | Promise<ETagComponentValue>;
  try {
    value = component.value(context);
  } catch {
    return UNKNOWN;
  }
  if (isPromiseLike(value)) {
    Promise.resolve(value).catch(() => undefined);
    return UNKNOWN;
  }
  return value === undefined || value === null ? undefined : String(value);
}

/** The ETag's opaque part the engine would compute now for an anonymous request, or UNKNOWN. */
function etagNow(
  caching: HttpCaching,
  keys: readonly string[],
  published: unknown,
  lastModified: DateTime | undefined,
  user: CacheUser | undefined,
): Known<string | undefined> {
  if (keys.length === 0) return undefined;
  const context = new PreparedComponentContext(published, lastModified, caching.settings.resourceVersion, user);
  const tokens: (string | undefined)[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i += 1) {
    const token = componentToken(caching, keys[i] as string, context);
    if (token === UNKNOWN) return UNKNOWN;
    tokens[i] = token;
  }
  return joinETagTokens(tokens);
}

/** The catalog counter's value now (the `catalogCounter` component reads the configured counter). */
function counterNow(caching: HttpCaching): Known<string | undefined> {
  return componentToken(caching, 'catalogCounter', COUNTER_CONTEXT);
}

/** The counter component reads nothing from its context: one context serves every request. */
const COUNTER_CONTEXT = new PreparedComponentContext(undefined, undefined, undefined, undefined);

/**
 * Prepared answers of the node adapter (issue 12): the engine's 304 for a route's published object
 * and validator, learnt from the first 304 the engine answered and replayed with one
 * `writeHead(304, flatHeaders)`, without a session, an exchange or a unit of work. The trick stays
 * here: per request only what can change is checked (the policy, the ruleset the registry finds, the
 * operation, the user, ILastModified and the ETag recomputed, the catalog counter, the request's
 * conditional headers, the second of Expires); anything else, or any doubt, goes the engine's way.
 *
 * Only routes given at start-up are prepared (their object is the key), under the standard operations,
 * with the ETag components that need no exchange. A 304 is prepared for anonymous requests and, one
 * per id and roles, for signed-in users; a RAM hit for anonymous requests only. So is a render: the
 * caching headers modify gave a page, set again on the next pages whose handler set the same inert
 * headers (see renderTemplate.ts, node/preparedRender.ts and fastify/PreparedReplyRender.ts).
 */
export class PreparedAnswers {
  readonly #caching: HttpCaching;
  readonly #entries = new WeakMap<RouteCaching, PreparedEntry>();
  /** Signed-in users' 304s per route, by `userKey` (oldest learnt first). */
  readonly #userEntries = new WeakMap<RouteCaching, Map<string, PreparedEntry>>();
  readonly #ramEntries = new WeakMap<RouteCaching, PreparedRamEntry>();
  readonly #renders = new WeakMap<RouteCaching, PreparedRender>();
  /** Renders of a route that taught nothing, under the policy they ran under. */
  readonly #renderTries = new WeakMap<RouteCaching, { policy: CachePolicy; failed: number }>();
  /** The header block of each stored response a RAM hit replays, for its current second and Age. */
  readonly #hits = new WeakMap<StoredResponse, PreparedHit>();
  #answered = 0;
  #rendered = 0;
  /** ILastModified as `#factsHold` resolved it for the request being answered (synchronous, so one). */
  #lastModified: DateTime | undefined;

  constructor(caching: HttpCaching) {
    this.#caching = caching;
  }

  /** How many requests a prepared answer has served (in this process). */
  get answered(): number {
    return this.#answered;
  }

  /** How many rendered pages got their caching headers from a prepared render (in this process). */
  get rendered(): number {
    return this.#rendered;
  }

  /**
   * Answers a GET/HEAD of `route` from its prepared 304 or RAM-cache lookup when all their facts
   * still hold. False: the engine's way. A promise only when the store answered a lookup late.
   */
  answer(req: IncomingMessage, res: ServerResponse, route: RouteCaching): boolean | Promise<boolean> {
    return this.answerWith(req, res, route, res, NODE_HIT_WRITER);
  }

  /**
   * `answer`, written to `target` by `writer` (the adapter's response object: the raw response, or a
   * framework's reply). An unconditional GET/HEAD is answered from the prepared RAM-cache lookup.
   */
  answerWith<T>(
    req: IncomingMessage,
    res: ServerResponse,
    route: RouteCaching,
    target: T,
    writer: PreparedHitWriter<T>,
  ): boolean | Promise<boolean> {
    if (!isSafe(req.method)) return false;
    const user = this.#userOf(req);
    if (user === UNKNOWN) return false;
    if (plainConditional(req)) {
      const entry = this.#entryFor(route, user);
      if (entry === undefined || !this.#factsHold(entry, req, res, route)) return false;
      // The ETag is not recomputed: with the components allowed (see RECOMPUTABLE) it is a function
      // of ILastModified, the resource version, the catalog counter and an anonymous user, all
      // checked (learn recomputed it once and found the engine's).
      if (!notModified(entry, req)) return false;
      writer.sendNotModified(target, headersAt(entry, this.#caching.settings.now()));
      this.#answered += 1;
      return true;
    }
    if (user !== undefined) return false;
    const ram = this.#ramEntries.get(route);
    if (ram === undefined || !unconditional(req) || !this.#factsHold(ram, req, res, route)) return false;
    return this.#answerFromRam(ram, req, target, writer);
  }

  /**
   * The prepared render of `route` for this request: an anonymous GET/HEAD without validators or a
   * range, when every fact the render's caching headers rest on still holds. Undefined: the engine's
   * way.
   */
  renderFor(req: IncomingMessage, res: ServerResponse, route: RouteCaching): PreparedRender | undefined {
    if (!isSafe(req.method) || !unconditional(req)) return undefined;
    const entry = this.#renders.get(route);
    if (entry === undefined || this.#userOf(req) !== undefined) return undefined;
    return this.#factsHold(entry, req, res, route) ? entry : undefined;
  }

  /**
   * The headers a prepared render sends, right before they go out: every header of the response
   * in the engine's order, `[name, value, ...]` (the handler's own values, this second's Expires),
   * when the policy is still the one it was learnt under and the handler set exactly the headers it
   * set then (see fitsTemplate). Undefined: the engine's modify must run.
   */
  renderHead(entry: PreparedRender, res: HeaderReader): HeaderValue[] | undefined {
    const { template } = entry;
    if (this.#caching.engine.policy !== entry.policy || !fitsTemplate(res, template)) return undefined;
    const nowMs = this.#caching.settings.now();
    const second = Math.floor(nowMs / 1000);
    if (second !== entry.second) {
      entry.expires = template.expiresAt < 0 ? '' : httpDateFromNow(nowMs, template.expiresOffset);
      entry.second = second;
    }
    const head = template.final.slice() as HeaderValue[];
    const { inertAt, finalKeys } = template;
    for (const at of inertAt) head[at] = res.getHeader(finalKeys[(at - 1) / 2] as string) as HeaderValue;
    if (template.expiresAt >= 0) head[template.expiresAt] = entry.expires;
    this.#rendered += 1;
    return head;
  }

  /** Whether a render of `route` the engine runs for this request should teach a prepared render. */
  wantsRender(req: IncomingMessage, route: RouteCaching): boolean {
    if (!isSafe(req.method) || !unconditional(req)) return false;
    const tries = this.#renderTries.get(route);
    return tries === undefined || tries.policy !== this.#caching.engine.policy || tries.failed < MAX_RENDER_TRIES;
  }

  /**
   * Learns the prepared render of `route` from a page the engine just gave its headers: `released`
   * is what intercept set before the handler ran, `beforeModify` / `afterModify` the response's
   * headers around modify. Only a 200 for an anonymous request, under a standard operation that
   * keeps no RAM copy and asked for no capture, whose handler set inert headers only.
   */
  learnRender(
    session: HttpCachingSession,
    req: IncomingMessage,
    res: ServerResponse,
    route: RouteCaching,
    released: HeaderSnapshot,
    beforeModify: HeaderSnapshot,
    afterModify: HeaderSnapshot,
  ): void {
    const policy = this.#caching.engine.policy;
    let taught: boolean;
    try {
      taught = this.#teachRender(session, req, res, route, released, beforeModify, afterModify);
    } catch {
      // A user resolver or an adapter that throws: the engine reported it; nothing is learnt.
      taught = false;
    }
    if (taught) {
      this.#renderTries.delete(route);
      return;
    }
    const tries = this.#renderTries.get(route);
    if (tries === undefined || tries.policy !== policy) this.#renderTries.set(route, { policy, failed: 1 });
    else tries.failed += 1;
  }

  #teachRender(
    session: HttpCachingSession,
    req: IncomingMessage,
    res: ServerResponse,
    route: RouteCaching,
    released: HeaderSnapshot,
    beforeModify: HeaderSnapshot,
    afterModify: HeaderSnapshot,
  ): boolean {
    if (!unconditional(req) || res.statusCode !== 200 || session.captureLimit > 0) return false;
    const learnt = this.#learnFacts(session, req, res, route);
    if (learnt === undefined || learnt.user !== undefined || learnt.options.ramCache === true) return false;
    const template = learnRenderTemplate(released, beforeModify, afterModify, this.#caching.settings.now());
    if (template === undefined) return false;
    this.#renders.set(route, { ...learnt.facts, template, second: -1, expires: '' });
    return true;
  }

  /** The request's user; UNKNOWN when the resolver throws (the engine reports that its own way). */
  #userOf(req: IncomingMessage): Known<CacheUser | undefined> {
    try {
      return this.#caching.userOf(req);
    } catch {
      return UNKNOWN;
    }
  }

  /** The prepared 304 of `route` for this user (anonymous: undefined). */
  #entryFor(route: RouteCaching, user: CacheUser | undefined): PreparedEntry | undefined {
    if (user === undefined) return this.#entries.get(route);
    const key = userKey(user);
    return key === UNKNOWN ? undefined : this.#userEntries.get(route)?.get(key);
  }

  /**
   * The checks every prepared answer makes: is each fact it rests on still the same? Anything that
   * throws here (a user resolver, a lookup) is left to the engine, which reports it its own way.
   */
  #factsHold(facts: PreparedFacts, req: IncomingMessage, res: ServerResponse, route: RouteCaching): boolean {
    try {
      return this.#factsHoldOrThrow(facts, req, res, route);
    } catch {
      return false;
    }
  }

  #factsHoldOrThrow(facts: PreparedFacts, req: IncomingMessage, res: ServerResponse, route: RouteCaching): boolean {
    const caching = this.#caching;
    const { engine } = caching;
    if (engine.policy !== facts.policy || !caching.explains.idle) return false;
    if (hintsOf(req) !== undefined || hintsOf(res) !== undefined) return false;
    if (rulesetNow(caching, route) !== facts.ruleset) return false;
    if (engine.operations.get(facts.operationName) !== facts.operation) return false;
    if (counterNow(caching) !== facts.counter) return false;
    const { published } = route;
    this.#lastModified = undefined;
    if (facts.readsLastModified) {
      const now = lastModifiedNow(caching, published);
      if (now === UNKNOWN || now?.toMillis() !== facts.lastModifiedMs) return false;
      this.#lastModified = now;
    }
    return !accessAdapted(caching, published);
  }

  /**
   * The operation's RAM-cache step for an anonymous request (standard operations, shared scope),
   * asked only when the store holds a fresh copy (`peek` counts nothing), the copy replayed with the
   * engine's debug headers in the engine's order.
   */
  #answerFromRam<T>(
    entry: PreparedRamEntry,
    req: IncomingMessage,
    target: T,
    writer: PreparedHitWriter<T>,
  ): boolean | Promise<boolean> {
    const caching = this.#caching;
    const request = new NodeCacheRequest(req, caching.userOf);
    const lastModified = entry.lastModifiedValidates ? this.#lastModified : undefined;
    const key = ramCacheKey(request, entry.etag, lastModified, entry.vary, SHARED_SCOPE);
    const { cache } = entry;
    if (!cache.peek(key, SHARED_SCOPE)) return false;
    let lookup: ResponseCacheLookup | Promise<ResponseCacheLookup>;
    try {
      lookup = cache.lookup(key, SHARED_SCOPE);
    } catch {
      return false;
    }
    if (isPromiseLike<ResponseCacheLookup>(lookup))
      return Promise.resolve(lookup).then(
        (late) => this.#replay(entry, req, target, writer, late),
        () => false,
      );
    return this.#replay(entry, req, target, writer, lookup);
  }

  #replay<T>(
    entry: PreparedRamEntry,
    req: IncomingMessage,
    target: T,
    writer: PreparedHitWriter<T>,
    lookup: ResponseCacheLookup,
  ): boolean {
    const stored = lookup.response;
    if (stored === undefined) {
      // The copy went between peek and lookup: this request renders after all, the engine's way.
      lookup.fill?.abandon('not-stored');
      return false;
    }
    const { settings } = this.#caching;
    const now = settings.now();
    const collapsed = lookup.collapsed === true;
    const existing = entry.cacheStatus ? writer.headerOf(target, 'cache-status') : undefined;
    let hit: PreparedHit;
    if (collapsed || existing !== undefined) {
      // Rare answers, made for this request alone.
      hit = prepareHit(entry, stored, now, settings.cacheStatusName, collapsed, existing);
    } else {
      const known = this.#hits.get(stored);
      if (
        known !== undefined &&
        known.entry === entry &&
        known.second === Math.floor(now / 1000) &&
        known.age === replayAge(stored, now)
      ) {
        hit = known;
      } else {
        hit = prepareHit(entry, stored, now, settings.cacheStatusName, false, undefined);
        this.#hits.set(stored, hit);
      }
    }
    writer.sendHit(target, stored.status, hit.headers, hit.body, req.method === 'HEAD', bodylessStatus(stored.status));
    this.#answered += 1;
    return true;
  }

  /**
   * The facts of an answer the engine just gave for `route`, when nothing about it depends on more
   * than what `#factsHold` checks; undefined otherwise.
   */
  #learnFacts(session: HttpCachingSession, req: IncomingMessage, res: ServerResponse, route: RouteCaching) {
    const caching = this.#caching;
    const { engine, settings } = caching;
    const { exchange } = session;
    const { user } = exchange.request;
    if (exchange.trace !== undefined || session.unit.hasWork) return undefined;
    if (!isSafe(req.method)) return undefined;
    if (settings.cacheStopRequestVariables.length > 0 || settings.behindProxy || caching.customRulesetLookup)
      return undefined;
    if (hintsOf(req) !== undefined || hintsOf(res) !== undefined) return undefined;
    const match = engine.findOperation(exchange);
    if (match?.operation === undefined || match.operationName === undefined) return undefined;
    const operation = match.operation as CachingOperation<Partial<StandardCachingOptions>>;
    if (!isStandardOperation(operation) || rulesetNow(caching, route) !== match.ruleset) return undefined;
    const policy = engine.policy;
    const options = policy.resolveOptions(operation, match.ruleset);
    const etagKeys = [...(options.etags ?? [])];
    if (options.anonOnly === true && !etagKeys.includes('anonymousOrRandom')) etagKeys.push('anonymousOrRandom');
    if (!etagKeys.every((key) => RECOMPUTABLE.has(key))) return undefined;
    // A signed-in user's `anonymousOrRandom` is new every time: no 304 of theirs repeats.
    if (user !== undefined && etagKeys.includes('anonymousOrRandom')) return undefined;
    const { published } = route;
    if (accessAdapted(caching, published)) return undefined;
    const gathered = gatheredValidators(exchange);
    const readsLastModified = options.lastModified === true || etagKeys.includes('lastModified');
    const lastModified = readsLastModified ? gathered.lastModified : undefined;
    // The recomputation must give what the engine computed, or the entry would check the wrong thing.
    if (etagNow(caching, etagKeys, published, lastModified, user) !== gathered.etag) return undefined;
    const counter = counterNow(caching);
    if (counter === UNKNOWN) return undefined;
    const facts: PreparedFacts = {
      policy,
      ruleset: match.ruleset,
      operationName: match.operationName,
      operation,
      etagKeys,
      weakETag: options.weakETag === true,
      readsLastModified,
      lastModifiedValidates: options.lastModified === true,
      lastModifiedMs: lastModified?.toMillis(),
      etag: gathered.etag,
      counter,
    };
    return { facts, options, user };
  }

  /**
   * Learns the prepared 304 of `route` from one the engine just answered with `headers` (as written),
   * when nothing about it depends on more than the facts `answer` checks.
   */
  learn(
    session: HttpCachingSession,
    req: IncomingMessage,
    res: ServerResponse,
    route: RouteCaching,
    headers: readonly string[],
  ): void {
    if (!plainConditional(req) || session.exchange.response.status !== 304) return;
    const learnt = this.#learnFacts(session, req, res, route);
    if (learnt === undefined) return;
    const expires = expiresSlot(headers, this.#caching.settings.now());
    if (expires === undefined) return;
    const entry: PreparedEntry = {
      ...learnt.facts,
      headers: [...headers],
      expiresAt: expires.at,
      expiresOffset: expires.offset,
      second: -1,
      current: [],
      matchedIfNoneMatch: undefined,
    };
    const { user } = learnt;
    if (user === undefined) {
      this.#entries.set(route, entry);
      return;
    }
    const key = userKey(user);
    if (key === UNKNOWN) return;
    let byUser = this.#userEntries.get(route);
    if (byUser === undefined) this.#userEntries.set(route, (byUser = new Map()));
    byUser.delete(key);
    byUser.set(key, entry);
    if (byUser.size > MAX_USER_ENTRIES) byUser.delete(byUser.keys().next().value as string);
  }

  /** Learns the RAM-cache lookup of `route` from a hit the engine just answered. */
  learnRamHit(session: HttpCachingSession, req: IncomingMessage, res: ServerResponse, route: RouteCaching): void {
    const cache = this.#caching.settings.responseCache;
    if (cache?.peek === undefined || !unconditional(req)) return;
    const learnt = this.#learnFacts(session, req, res, route);
    if (learnt === undefined || learnt.user !== undefined || learnt.options.ramCache !== true) return;
    const { policy } = learnt.facts;
    this.#ramEntries.set(route, {
      ...learnt.facts,
      vary: learnt.options.vary ?? [],
      cache: cache as PreparedRamEntry['cache'],
      ruleHeader: policy.debugHeader('rule'),
      operationHeader: policy.debugHeader('operation'),
      ramHeader: policy.debugHeader('ramCache'),
      cacheStatus: policy.debugHeader('cacheStatus'),
    });
  }
}

/** Statuses whose responses carry no body. */
function bodylessStatus(status: number): boolean {
  return status === 304 || status === 204 || (status >= 100 && status < 200);
}

/**
 * Where Expires is in the flat headers and its offset from now in seconds, checked by formatting it
 * again; undefined when that does not give the same text (the second turned: the next 304 learns).
 */
function expiresSlot(headers: readonly string[], nowMs: number): { at: number; offset: number } | undefined {
  let at = -1;
  for (let i = 0; i < headers.length; i += 2) if ((headers[i] as string).toLowerCase() === 'expires') at = i + 1;
  if (at < 0) return { at, offset: 0 };
  const text = headers[at] as string;
  const offset = Math.round((Date.parse(text) - Math.floor(nowMs / 1000) * 1000) / 1000);
  return Number.isFinite(offset) && httpDateFromNow(nowMs, offset) === text ? { at, offset } : undefined;
}

/**
 * Whether the request's conditional headers make this a 304 (RFC 9110 §13.2.2, as the engine
 * evaluates it). The If-None-Match text that matched last time is remembered: the same text against
 * the same ETag gives the same outcome (plainConditional leaves only If-None-Match, which then
 * decides alone, or If-Modified-Since).
 */
function notModified(entry: PreparedEntry, req: IncomingMessage): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch === entry.matchedIfNoneMatch) return true;
  const result = evaluatePreconditions({
    method: req.method ?? 'GET',
    header: (name) => headerOf(req, name),
    etag: entry.etag,
    weakETag: entry.weakETag,
    lastModified: entry.lastModifiedValidates ? entry.lastModifiedMs : undefined,
  });
  if (result.outcome !== 'not-modified') return false;
  if (ifNoneMatch !== undefined) entry.matchedIfNoneMatch = ifNoneMatch;
  return true;
}

/** The entry's headers with this second's Expires (one array per second, reused: writeHead only reads it). */
function headersAt(entry: PreparedEntry, nowMs: number): string[] {
  const second = Math.floor(nowMs / 1000);
  if (second !== entry.second) {
    const current = [...entry.headers];
    if (entry.expiresAt >= 0) current[entry.expiresAt] = httpDateFromNow(nowMs, entry.expiresOffset);
    entry.current = current;
    entry.second = second;
  }
  return entry.current;
}
