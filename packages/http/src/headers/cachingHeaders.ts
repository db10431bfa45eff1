import type { CacheResponse } from '@cacheset/core';
import { EXPIRED_OFFSET_SECONDS, httpDateFromNow } from '../dates/expiresDate.js';
import { lastModifiedText } from '../dates/lastModifiedText.js';
import { formatEntityTag } from '../validators/entityTags.js';
import type { SurrogateKeyHeader } from '../runtime/HttpSettings.js';
import { mergeVary } from './vary.js';

/** Which of plone.app.caching's header writers produced the response's caching headers. */
export type CachingForm = 'doNotCache' | 'cacheInBrowser' | 'cacheInProxy' | 'cacheInBrowserAndProxy';

/** Directives the ancestors lacked; they apply to the forms a shared cache may store. */
export interface ModernDirectives {
  readonly staleWhileRevalidate: number | null;
  readonly staleIfError: number | null;
  readonly immutable: boolean;
  readonly noTransform: boolean;
  /** `Surrogate-Control: max-age=N` for the proxy only. */
  readonly surrogateMaxage: number | null;
  /** RFC 9213 `CDN-Cache-Control: max-age=N`. */
  readonly cdnMaxage: number | null;
}

export const NO_MODERN_DIRECTIVES: ModernDirectives = Object.freeze({
  staleWhileRevalidate: null,
  staleIfError: null,
  immutable: false,
  noTransform: false,
  surrogateMaxage: null,
  cdnMaxage: null,
});

export interface CachingHeaderInput {
  readonly maxage: number | null;
  readonly smaxage: number | null;
  /** The ETag's opaque part. */
  readonly etag: string | undefined;
  readonly weakETag: boolean;
  /** Epoch ms. */
  readonly lastModified: number | undefined;
  readonly vary: readonly string[] | null;
  readonly modern: ModernDirectives;
  readonly surrogateKeys: readonly string[];
  /** Where to send surrogate keys; undefined when no proxy is configured (then they are not sent). */
  readonly surrogateKeyHeader: SurrogateKeyHeader | undefined;
  /** Add `no-store` (the application asked for it). */
  readonly noStore: boolean;
  /**
   * Nothing has set headers on the response yet (intercept, before the view ran): there is no stale
   * Last-Modified to remove.
   */
  readonly fresh?: boolean;
  readonly now: number;
}

const truthy = (n: number | null): n is number => n !== null && n > 0;

/**
 * plone.app.caching's `setCacheHeaders` dispatch: maxage → browser and proxy; else smaxage → proxy;
 * else an ETag or Last-Modified → browser; else do not cache. Header values are the ancestors' exact
 * strings, with the modern directives appended to the shared forms. When a stale-* directive is
 * given, the form's must-/proxy-revalidate is left out: RFC 9111 forbids serving stale content a
 * response says must be revalidated, which would void the directive.
 */
export function writeCachingHeaders(response: CacheResponse, input: CachingHeaderInput): CachingForm {
  if (truthy(input.maxage)) {
    cacheInBrowserAndProxy(response, input);
    return 'cacheInBrowserAndProxy';
  }
  if (truthy(input.smaxage)) {
    cacheInProxy(response, input);
    return 'cacheInProxy';
  }
  if (input.etag !== undefined || input.lastModified !== undefined) {
    cacheInBrowser(response, input);
    return 'cacheInBrowser';
  }
  doNotCache(response, input.now, input.noStore);
  return 'doNotCache';
}

const PRIVATE = 'max-age=0, must-revalidate, private';

/** `Cache-Control: max-age=0, must-revalidate, private`, an expired `Expires`, no Last-Modified; ETag untouched. */
export function doNotCache(response: CacheResponse, now: number, noStore = false): void {
  response.setHeader('Cache-Control', noStore ? `${PRIVATE}, no-store` : PRIVATE);
  response.setHeader('Expires', httpDateFromNow(now, EXPIRED_OFFSET_SECONDS));
  response.removeHeader('Last-Modified');
}

function validators(response: CacheResponse, input: CachingHeaderInput): void {
  if (input.etag !== undefined) response.setHeader('ETag', formatEntityTag(input.etag, input.weakETag));
  if (input.lastModified !== undefined) response.setHeader('Last-Modified', lastModifiedText(input.lastModified));
  else if (input.fresh !== true) response.removeHeader('Last-Modified');
}

function cacheInBrowser(response: CacheResponse, input: CachingHeaderInput): void {
  response.setHeader('Cache-Control', input.noStore ? `${PRIVATE}, no-store` : PRIVATE);
  response.setHeader('Expires', httpDateFromNow(input.now, EXPIRED_OFFSET_SECONDS));
  validators(response, input);
}

function staleDirectives(modern: ModernDirectives): string {
  let text = '';
  if (modern.staleWhileRevalidate !== null) text += `, stale-while-revalidate=${modern.staleWhileRevalidate}`;
  if (modern.staleIfError !== null) text += `, stale-if-error=${modern.staleIfError}`;
  return text;
}

/**
 * Cache-Control values by directives object (one per policy rule), max-age, s-maxage and form: a
 * policy yields a handful of distinct values, and handing Node the same string every time spares
 * building and validating a new one per response.
 */
const controlMemo = new WeakMap<ModernDirectives, Map<number, Map<number, (string | undefined)[]>>>();
const PROXY = 0;
const BROWSER_AND_PROXY = 2;

function cacheControlOf(
  input: CachingHeaderInput,
  form: typeof PROXY | typeof BROWSER_AND_PROXY,
  build: (input: CachingHeaderInput) => string,
): string {
  let byMaxage = controlMemo.get(input.modern);
  if (byMaxage === undefined) {
    byMaxage = new Map();
    controlMemo.set(input.modern, byMaxage);
  }
  const maxage = input.maxage ?? -1;
  let bySmaxage = byMaxage.get(maxage);
  if (bySmaxage === undefined) {
    bySmaxage = new Map();
    byMaxage.set(maxage, bySmaxage);
  }
  const smaxage = input.smaxage ?? -1;
  let slots = bySmaxage.get(smaxage);
  if (slots === undefined) {
    slots = [undefined, undefined, undefined, undefined];
    bySmaxage.set(smaxage, slots);
  }
  const slot = form + (input.noStore ? 1 : 0);
  let text = slots[slot];
  if (text === undefined) {
    text = `${build(input)}${input.noStore ? ', no-store' : ''}`;
    slots[slot] = text;
  }
  return text;
}

function shared(response: CacheResponse, input: CachingHeaderInput, cacheControl: string): void {
  response.setHeader('Cache-Control', cacheControl);
  validators(response, input);
  if (input.vary !== null && input.vary.length > 0) {
    const vary = mergeVary(response.getHeader('Vary'), input.vary);
    if (vary !== undefined) response.setHeader('Vary', vary);
  }
  const { modern } = input;
  if (modern.surrogateMaxage !== null)
    response.setHeader('Surrogate-Control', `max-age=${modern.surrogateMaxage}${staleDirectives(modern)}`);
  if (modern.cdnMaxage !== null)
    response.setHeader('CDN-Cache-Control', `max-age=${modern.cdnMaxage}${staleDirectives(modern)}`);
  if (input.surrogateKeyHeader !== undefined && input.surrogateKeys.length > 0) {
    response.setHeader(input.surrogateKeyHeader.name, splitKeys(input.surrogateKeys, input.surrogateKeyHeader));
  }
}

function proxyControl(input: CachingHeaderInput): string {
  const stale = staleDirectives(input.modern);
  const revalidate = stale === '' ? ', must-revalidate' : '';
  return `max-age=0, s-maxage=${input.smaxage ?? 0}${revalidate}${stale}${input.modern.noTransform ? ', no-transform' : ''}`;
}

function cacheInProxy(response: CacheResponse, input: CachingHeaderInput): void {
  shared(response, input, cacheControlOf(input, PROXY, proxyControl));
  response.setHeader('Expires', httpDateFromNow(input.now, EXPIRED_OFFSET_SECONDS));
}

function browserAndProxyControl(input: CachingHeaderInput): string {
  const stale = staleDirectives(input.modern);
  const smaxage = input.smaxage === null ? '' : `, s-maxage=${input.smaxage}`;
  const revalidate = stale === '' ? ', proxy-revalidate' : '';
  const extra = `${input.modern.immutable ? ', immutable' : ''}${input.modern.noTransform ? ', no-transform' : ''}`;
  return `max-age=${input.maxage ?? 0}${smaxage}${revalidate}, public${stale}${extra}`;
}

function cacheInBrowserAndProxy(response: CacheResponse, input: CachingHeaderInput): void {
  const maxage = input.maxage ?? 0;
  shared(response, input, cacheControlOf(input, BROWSER_AND_PROXY, browserAndProxyControl));
  response.setHeader('Expires', httpDateFromNow(input.now, maxage > 0 ? maxage : EXPIRED_OFFSET_SECONDS));
}

/** Joins keys into header lines no longer than the limit (one line per key at worst). */
export function splitKeys(keys: readonly string[], header: SurrogateKeyHeader): string[] {
  const lines: string[] = [];
  let line = '';
  for (const key of keys) {
    if (line.length > 0 && line.length + 1 + key.length > header.maxLength) {
      lines.push(line);
      line = '';
    }
    line = line.length === 0 ? key : `${line}${header.separator}${key}`;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}
