import {
  annotationKey,
  findViewAdapter,
  isPromiseLike,
  resolveLastModifiedNow,
  resolveSurrogateKeys,
  type CacheExchange,
  type MaybePromise,
  type OperationContext,
} from '@cacheset/core';
import type { DateTime } from 'luxon';
import type { ETagComponentContext, ETagComponentValue } from '../etag/ETagComponent.js';
import { joinETagTokens } from '../etag/joinETagTokens.js';
import { httpSettingsOf, reportOnce, type HttpSettings } from './HttpSettings.js';
import { IAnonymousAccess } from './IAnonymousAccess.js';

/**
 * Facts about the published object that the caching headers depend on, gathered once per request
 * (in intercept, where they may be async) and shared by every operation of the request: the same
 * ETag in intercept and modify, the same random token, one ILastModified call.
 */
export interface RequestFacts {
  /** The ETag's opaque part, or undefined when no component had a value. */
  readonly etag: string | undefined;
  readonly lastModified: DateTime | undefined;
  /** Whether anonymous visitors may see the published object (IAnonymousAccess). */
  readonly contentPublic: boolean;
  readonly surrogateKeys: readonly string[];
}

export interface FactNeeds {
  readonly etagKeys: readonly string[];
  /** Resolve ILastModified (for the Last-Modified header); the `lastModified` component resolves it anyway. */
  readonly lastModified: boolean;
}

const etagKey = annotationKey<string | undefined>('cacheset.http.etag');
const etagPendingKey = annotationKey<Promise<void>>('cacheset.http.etagPending');
const lastModifiedKey = annotationKey<DateTime | undefined>('cacheset.http.lastModified');
const lastModifiedPendingKey = annotationKey<Promise<DateTime | undefined>>('cacheset.http.lastModifiedPending');
const publicKey = annotationKey<boolean>('cacheset.http.contentPublic');
const keysKey = annotationKey<readonly string[]>('cacheset.http.surrogateKeys');

/**
 * 'wait': gather everything, with a promise where something is async (intercept).
 * 'now': take only what is known synchronously; async parts count as missing (a ruleset named after
 * intercept, whose modify cannot wait).
 */
type Mode = 'wait' | 'now';

function report(settings: HttpSettings, what: string, error: unknown): void {
  reportOnce(
    settings.logger,
    `cacheset: ${what} failed; the response is sent without it. ${error instanceof Error ? error.message : String(error)}`,
    { error },
  );
}

function settleLastModified(exchange: CacheExchange, value: DateTime | undefined): DateTime | undefined {
  lastModifiedKey.set(exchange, value);
  return value;
}

/** ILastModified of the published object, resolved at most once per request. */
function lastModifiedOf(exchange: CacheExchange, settings: HttpSettings): MaybePromise<DateTime | undefined> {
  if (lastModifiedKey.has(exchange)) return lastModifiedKey.get(exchange);
  const pending = lastModifiedPendingKey.get(exchange);
  if (pending !== undefined) return pending;
  const { adapters, published } = exchange;
  if (adapters === undefined || published === undefined) return settleLastModified(exchange, undefined);
  let result: MaybePromise<DateTime | undefined> | PromiseLike<DateTime | undefined>;
  try {
    result = resolveLastModifiedNow(adapters, published) as MaybePromise<DateTime | undefined>;
  } catch (error) {
    report(settings, 'ILastModified', error);
    return settleLastModified(exchange, undefined);
  }
  if (!isPromiseLike<DateTime | undefined>(result)) return settleLastModified(exchange, result);
  const promise = Promise.resolve(result).then(
    (value) => settleLastModified(exchange, value),
    (error: unknown) => {
      report(settings, 'ILastModified', error);
      return settleLastModified(exchange, undefined);
    },
  );
  lastModifiedPendingKey.set(exchange, promise);
  return promise;
}

/** What ETag components see. A class: one is made per request that computes an ETag. */
class ComponentContext implements ETagComponentContext {
  readonly exchange: CacheExchange;
  readonly #settings: HttpSettings;

  constructor(exchange: CacheExchange, settings: HttpSettings) {
    this.exchange = exchange;
    this.#settings = settings;
  }

  get request(): CacheExchange['request'] {
    return this.exchange.request;
  }

  get published(): unknown {
    return this.exchange.published;
  }

  get user(): ETagComponentContext['user'] {
    return this.exchange.request.user;
  }

  get resourceVersion(): string | undefined {
    return this.#settings.resourceVersion;
  }

  lastModified(): MaybePromise<DateTime | undefined> {
    return lastModifiedOf(this.exchange, this.#settings);
  }
}

function tokenOf(value: ETagComponentValue): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/** One component's token: synchronous when the component is; in 'now' mode async ones count as missing. */
function componentValue(
  ctx: OperationContext,
  settings: HttpSettings,
  context: ComponentContext,
  name: string,
  mode: Mode,
  partial: { value: boolean },
): MaybePromise<string | undefined> {
  const component = settings.components.get(name);
  if (component === undefined) {
    reportOnce(
      settings.logger,
      `cacheset: unknown ETag component '${name}' (ruleset '${ctx.ruleset}'); it contributes an empty token.`,
    );
    return undefined;
  }
  let value: MaybePromise<ETagComponentValue>;
  try {
    value = component.value(context);
  } catch (error) {
    report(settings, `ETag component '${name}'`, error);
    return undefined;
  }
  if (!isPromiseLike<ETagComponentValue>(value)) return tokenOf(value);
  if (mode === 'now') {
    Promise.resolve(value).catch(() => undefined);
    partial.value = true;
    return undefined;
  }
  return Promise.resolve(value).then(tokenOf, (error: unknown) => {
    report(settings, `ETag component '${name}'`, error);
    return undefined;
  });
}

/**
 * The ETag, computed once per request: the first value computed is kept whatever keys later
 * operations ask for (plone.app.caching's memo). `partial` records async parts skipped in 'now' mode.
 */
function etagOf(
  ctx: OperationContext,
  settings: HttpSettings,
  keys: readonly string[],
  mode: Mode,
  partial: { value: boolean },
): MaybePromise<void> {
  const { exchange } = ctx;
  if (keys.length === 0 || etagKey.has(exchange)) return undefined;
  const pending = etagPendingKey.get(exchange);
  if (pending !== undefined) return mode === 'wait' ? pending : undefined;
  const context = new ComponentContext(ctx.exchange, settings);
  const values: MaybePromise<string | undefined>[] = new Array(keys.length);
  let async = false;
  for (let i = 0; i < keys.length; i += 1) {
    const value = componentValue(ctx, settings, context, keys[i] as string, mode, partial);
    if (isPromiseLike(value)) async = true;
    values[i] = value;
  }
  if (!async) {
    settleETag(exchange, keys, values as (string | undefined)[]);
    return undefined;
  }
  const promise = Promise.all(values).then((tokens) => {
    settleETag(exchange, keys, tokens);
    etagPendingKey.delete(exchange);
  });
  etagPendingKey.set(exchange, promise);
  return promise;
}

function settleETag(exchange: CacheExchange, keys: readonly string[], tokens: readonly (string | undefined)[]): void {
  const etag = joinETagTokens(tokens);
  etagKey.set(exchange, etag);
  exchange.trace?.etag({ components: keys.map((name, i) => ({ name, value: tokens[i] })), value: etag });
}

function settleAccess(exchange: CacheExchange, allowed: boolean): void {
  publicKey.set(exchange, allowed);
}

/** Whether anonymous visitors may see the published object; denied on an adapter error (the safe side). */
function anonymousAccessOf(
  exchange: CacheExchange,
  settings: HttpSettings,
  mode: Mode,
  partial: { value: boolean },
): MaybePromise<void> {
  const { adapters, published } = exchange;
  if (publicKey.has(exchange)) return undefined;
  if (adapters === undefined || published === undefined) return settleAccess(exchange, true);
  try {
    const found = findViewAdapter(adapters, published, IAnonymousAccess);
    const adapter = found === undefined ? undefined : adapters.create(found.match, found.object);
    if (adapter === undefined) return settleAccess(exchange, true);
    const result = adapter.allowsAnonymous();
    if (!isPromiseLike<boolean>(result)) return settleAccess(exchange, result === true);
    if (mode === 'now') {
      Promise.resolve(result).catch(() => undefined);
      partial.value = true;
      return settleAccess(exchange, false);
    }
    return Promise.resolve(result).then(
      (allowed) => settleAccess(exchange, allowed === true),
      (error: unknown) => {
        report(settings, 'IAnonymousAccess', error);
        settleAccess(exchange, false);
      },
    );
  } catch (error) {
    report(settings, 'IAnonymousAccess', error);
    return settleAccess(exchange, false);
  }
}

function collect(ctx: OperationContext, needs: FactNeeds, mode: Mode): MaybePromise<RequestFacts> {
  const settings = httpSettingsOf(ctx.exchange);
  const partial = { value: false };
  // At most three things can be pending; no array unless one is.
  let waits: PromiseLike<unknown>[] | undefined;
  const etag = etagOf(ctx, settings, needs.etagKeys, mode, partial);
  if (isPromiseLike(etag)) (waits ??= []).push(etag);
  if (needs.lastModified) {
    const lastModified = mode === 'wait' ? lastModifiedOf(ctx.exchange, settings) : undefined;
    if (isPromiseLike(lastModified)) (waits ??= []).push(lastModified);
    if (mode === 'now' && !lastModifiedKey.has(ctx.exchange)) partial.value = true;
  }
  const access = anonymousAccessOf(ctx.exchange, settings, mode, partial);
  if (isPromiseLike(access)) (waits ??= []).push(access);
  if (partial.value) {
    reportOnce(
      settings.logger,
      `cacheset: ruleset '${ctx.ruleset}' was named after the request started, so async validators (ILastModified, async ETag components, IAnonymousAccess) could not be gathered; name the ruleset before the handler runs (a route option or middleware) to get them.`,
    );
  }
  if (waits === undefined) return factsFromMemo(ctx.exchange, settings, needs.lastModified);
  return Promise.all(waits).then(() => factsFromMemo(ctx.exchange, settings, needs.lastModified));
}

/**
 * Gathers the facts: call from intercept. Synchronous when every ETag component and adapter answers
 * synchronously (the common case), a promise otherwise.
 */
export function gatherFacts(ctx: OperationContext, needs: FactNeeds): MaybePromise<RequestFacts> {
  return collect(ctx, needs, 'wait');
}

/**
 * The facts without waiting: the memo when intercept gathered them; otherwise (a ruleset named after
 * intercept) what can be known synchronously. Async components and adapters are then skipped (and
 * access counts as not public, the safe side), with one warning saying how to avoid it.
 */
export function factsNow(ctx: OperationContext, needs: FactNeeds): RequestFacts {
  return collect(ctx, needs, 'now') as RequestFacts;
}

function factsFromMemo(exchange: CacheExchange, settings: HttpSettings, withLastModified: boolean): RequestFacts {
  let keys = keysKey.get(exchange);
  if (keys === undefined) {
    keys = surrogateKeysOf(exchange, settings);
    keysKey.set(exchange, keys);
  }
  return {
    etag: etagKey.get(exchange),
    lastModified: withLastModified ? lastModifiedKey.get(exchange) : undefined,
    contentPublic: publicKey.get(exchange) !== false,
    surrogateKeys: keys,
  };
}

function surrogateKeysOf(exchange: CacheExchange, settings: HttpSettings): readonly string[] {
  const { adapters, published } = exchange;
  if (!settings.behindProxy || adapters === undefined || published === undefined) return [];
  try {
    return resolveSurrogateKeys(adapters, published);
  } catch (error) {
    report(settings, 'ISurrogateKeys', error);
    return [];
  }
}

/**
 * The validators intercept gathered for this exchange (its ETag's opaque part and ILastModified),
 * for a prepared answer learnt from it (see prepared/PreparedAnswers.ts).
 */
export function gatheredValidators(exchange: CacheExchange): {
  readonly etag: string | undefined;
  readonly lastModified: DateTime | undefined;
} {
  return { etag: etagKey.get(exchange), lastModified: lastModifiedKey.get(exchange) };
}
