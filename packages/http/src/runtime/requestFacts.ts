import { findViewAdapter, resolveLastModified, resolveSurrogateKeys, type CacheExchange, type OperationContext } from '@cacheset/core';
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

const etagKey = Symbol('cacheset.http.etag');
const lastModifiedKey = Symbol('cacheset.http.lastModified');
const lastModifiedValueKey = Symbol('cacheset.http.lastModifiedValue');
const publicKey = Symbol('cacheset.http.contentPublic');
const keysKey = Symbol('cacheset.http.surrogateKeys');

export interface FactNeeds {
  readonly etagKeys: readonly string[];
  /** Resolve ILastModified (for the Last-Modified header); the `lastModified` component resolves it anyway. */
  readonly lastModified: boolean;
}

function report(settings: HttpSettings, what: string, error: unknown): void {
  reportOnce(settings.logger, `cacheset: ${what} failed; the response is sent without it. ${error instanceof Error ? error.message : String(error)}`, { error });
}

/** ILastModified of the published object, resolved once per request (the promise is shared). */
function lastModifiedPromise(exchange: CacheExchange, settings: HttpSettings): Promise<DateTime | undefined> {
  let promise = exchange.annotations.get(lastModifiedKey) as Promise<DateTime | undefined> | undefined;
  if (promise === undefined) {
    const adapters = exchange.adapters;
    const resolving = adapters === undefined || exchange.published === undefined
      ? Promise.resolve(undefined)
      : resolveLastModified(adapters, exchange.published).catch((error: unknown) => {
          report(settings, 'ILastModified', error);
          return undefined;
        });
    promise = resolving.then((value) => {
      exchange.annotations.set(lastModifiedValueKey, value);
      return value;
    });
    exchange.annotations.set(lastModifiedKey, promise);
  }
  return promise;
}

function componentContext(ctx: OperationContext, settings: HttpSettings): ETagComponentContext {
  return {
    exchange: ctx.exchange,
    request: ctx.request,
    published: ctx.exchange.published,
    user: ctx.request.user,
    lastModified: () => lastModifiedPromise(ctx.exchange, settings),
    resourceVersion: settings.resourceVersion,
  };
}

function tokenOf(value: ETagComponentValue): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * Gathers the facts (async): call from intercept. The first ETag computed in a request is kept for
 * the rest of it, whatever keys later operations ask for (plone.app.caching's memo).
 */
export async function gatherFacts(ctx: OperationContext, needs: FactNeeds): Promise<RequestFacts> {
  const settings = httpSettingsOf(ctx.exchange);
  const { annotations } = ctx.exchange;
  if (needs.etagKeys.length > 0 && !annotations.has(etagKey)) {
    const context = componentContext(ctx, settings);
    const tokens: (string | undefined)[] = [];
    for (const name of needs.etagKeys) {
      const component = settings.components.get(name);
      if (component === undefined) {
        reportOnce(settings.logger, `cacheset: unknown ETag component '${name}' (ruleset '${ctx.ruleset}'); it contributes an empty token.`);
        tokens.push(undefined);
        continue;
      }
      try {
        tokens.push(tokenOf(await component.value(context)));
      } catch (error) {
        report(settings, `ETag component '${name}'`, error);
        tokens.push(undefined);
      }
    }
    annotations.set(etagKey, joinETagTokens(tokens));
  }
  if (needs.lastModified) await lastModifiedPromise(ctx.exchange, settings);
  if (!annotations.has(publicKey)) annotations.set(publicKey, await anonymousAccess(ctx.exchange, settings));
  return factsFromMemo(ctx.exchange, settings, needs.lastModified);
}

/**
 * The facts without waiting: the memo when intercept gathered them; otherwise (a ruleset named after
 * intercept) what can be known synchronously. Async components and adapters are then skipped (and
 * access counts as not public, the safe side), with one warning saying how to avoid it.
 */
export function factsNow(ctx: OperationContext, needs: FactNeeds): RequestFacts {
  const settings = httpSettingsOf(ctx.exchange);
  const { annotations } = ctx.exchange;
  let partial = false;
  if (needs.etagKeys.length > 0 && !annotations.has(etagKey)) {
    const context = componentContext(ctx, settings);
    const tokens = needs.etagKeys.map((name) => {
      const component = settings.components.get(name);
      if (component === undefined) return undefined;
      try {
        const value = component.value(context);
        if (value instanceof Promise) {
          value.catch(() => undefined);
          partial = true;
          return undefined;
        }
        return tokenOf(value);
      } catch (error) {
        report(settings, `ETag component '${name}'`, error);
        return undefined;
      }
    });
    annotations.set(etagKey, joinETagTokens(tokens));
  }
  if (!annotations.has(publicKey)) {
    const access = anonymousAccessNow(ctx.exchange, settings);
    if (access === 'async') partial = true;
    annotations.set(publicKey, access === true);
  }
  if (needs.lastModified && !annotations.has(lastModifiedValueKey)) partial = true;
  if (partial) {
    reportOnce(
      settings.logger,
      `cacheset: ruleset '${ctx.ruleset}' was named after the request started, so async validators (ILastModified, async ETag components, IAnonymousAccess) could not be gathered; name the ruleset before the handler runs (a route option or middleware) to get them.`,
    );
  }
  return factsFromMemo(ctx.exchange, settings, needs.lastModified);
}

function factsFromMemo(exchange: CacheExchange, settings: HttpSettings, withLastModified: boolean): RequestFacts {
  const { annotations } = exchange;
  let keys = annotations.get(keysKey) as readonly string[] | undefined;
  if (keys === undefined) {
    keys = surrogateKeysOf(exchange, settings);
    annotations.set(keysKey, keys);
  }
  return {
    etag: annotations.get(etagKey) as string | undefined,
    lastModified: withLastModified ? (annotations.get(lastModifiedValueKey) as DateTime | undefined) : undefined,
    contentPublic: annotations.get(publicKey) !== false,
    surrogateKeys: keys,
  };
}

async function anonymousAccess(exchange: CacheExchange, settings: HttpSettings): Promise<boolean> {
  const { adapters, published } = exchange;
  if (adapters === undefined || published === undefined) return true;
  try {
    const found = findViewAdapter(adapters, published, IAnonymousAccess);
    if (found === undefined) return true;
    const adapter = adapters.create(found.match, found.object);
    return adapter === undefined ? true : (await adapter.allowsAnonymous()) === true;
  } catch (error) {
    report(settings, 'IAnonymousAccess', error);
    return false;
  }
}

function anonymousAccessNow(exchange: CacheExchange, settings: HttpSettings): boolean | 'async' {
  const { adapters, published } = exchange;
  if (adapters === undefined || published === undefined) return true;
  try {
    const found = findViewAdapter(adapters, published, IAnonymousAccess);
    if (found === undefined) return true;
    const adapter = adapters.create(found.match, found.object);
    if (adapter === undefined) return true;
    const result = adapter.allowsAnonymous();
    if (result instanceof Promise) {
      result.catch(() => undefined);
      return 'async';
    }
    return result === true;
  } catch (error) {
    report(settings, 'IAnonymousAccess', error);
    return false;
  }
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
