import {
  AdapterLookup,
  consoleLogger,
  describeValue,
  EventBus,
  getDefaultBus,
  type CachesetLogger,
} from '@cacheset/core';
import { PurgeErrorCodes, purgeError } from '../errors/purgeErrorCodes.js';
import { normalizeVhmRoot, vhmInsideOutPrefix, type VhmSettings } from '../paths/virtualHostRewriter.js';
import { parseDomain, type PublicDomain } from './parseDomain.js';
import { parseProxyUrl, type ProxyAddress } from './parseProxyUrl.js';
import type {
  DeliveryOptions,
  ProxyKind,
  ProxyOptions,
  ProxyTlsOptions,
  PurgerOptions,
  RetryOptions,
} from './PurgerOptions.js';

export interface ResolvedRetry {
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
  readonly jitter: number;
}

export interface ResolvedDelivery {
  readonly concurrency: number;
  readonly pipelining: number;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly maxQueue: number;
  readonly retry: ResolvedRetry;
}

export interface TagSettings {
  readonly header: string;
  readonly method: string;
  readonly separator: ' ' | ',';
}

export interface ResolvedProxy {
  readonly name: string;
  readonly kind: ProxyKind;
  readonly address: ProxyAddress;
  readonly purgeMethod: string;
  readonly softPurge: boolean;
  /** How tags are purged; undefined when the proxy cannot purge tags. */
  readonly tags: TagSettings | undefined;
  /** Whether BAN by regular expression is available. */
  readonly ban: boolean;
  readonly maxHeaderBytes: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly delivery: ResolvedDelivery;
  readonly tls: ProxyTlsOptions | undefined;
}

export type ResolvedVirtualHosting =
  | { readonly mode: 'public-host'; readonly domains: readonly PublicDomain[] }
  | ({ readonly mode: 'vhm' } & VhmSettings);

export interface ResolvedConfig {
  readonly proxies: readonly ResolvedProxy[];
  readonly virtualHosting: ResolvedVirtualHosting;
  readonly adapters: AdapterLookup | undefined;
  readonly bus: EventBus | undefined;
  readonly enabled: boolean;
  readonly tags: boolean;
  readonly waitForDelivery: boolean;
  readonly historySize: number;
  readonly logger: CachesetLogger;
}

/** A method or header name: an RFC 9110 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A header value that cannot break the request: no CR, LF or NUL. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const PURGER_KEYS = [
  'proxies',
  'container',
  'adapters',
  'bus',
  'enabled',
  'domains',
  'virtualHosting',
  'tags',
  'waitForDelivery',
  'delivery',
  'historySize',
  'logger',
];
const DELIVERY_KEYS = ['concurrency', 'pipelining', 'timeoutMs', 'connectTimeoutMs', 'maxQueue', 'retry'];
const PROXY_KEYS = [
  'url',
  'name',
  'kind',
  'purgeMethod',
  'softPurge',
  'tagHeader',
  'tagMethod',
  'tagSeparator',
  'maxHeaderBytes',
  'headers',
  'tls',
  ...DELIVERY_KEYS,
];
const RETRY_KEYS = ['attempts', 'initialDelayMs', 'maxDelayMs', 'multiplier', 'jitter'];

function invalid(message: string, value: unknown): never {
  throw purgeError(PurgeErrorCodes.INVALID_OPTIONS, message, value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(where: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      invalid(`${where}: unknown option '${key}'; the options are ${allowed.join(', ')}.`, value);
  }
}

function integer(where: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    invalid(`${where} must be an integer from ${min} to ${max}, got ${describeValue(value)}.`, value);
  return value;
}

function fraction(where: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1)
    invalid(`${where} must be a number from 0 to 1, got ${describeValue(value)}.`, value);
  return value;
}

function flag(where: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalid(`${where} must be true or false, got ${describeValue(value)}.`, value);
  return value;
}

function token(where: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !TOKEN.test(value))
    invalid(
      `${where} must be an HTTP method or header name (letters, digits, - and the like), got ${describeValue(value)}.`,
      value,
    );
  return value;
}

function resolveRetry(where: string, value: unknown, base: ResolvedRetry): ResolvedRetry {
  if (value === undefined) return base;
  if (!isRecord(value))
    invalid(`${where} must be an object such as { attempts: 8 }, got ${describeValue(value)}.`, value);
  const v = value as RetryOptions & Record<string, unknown>;
  checkKeys(where, v, RETRY_KEYS);
  const initialDelayMs = integer(`${where}.initialDelayMs`, v.initialDelayMs, base.initialDelayMs, 0, 3_600_000);
  const maxDelayMs = integer(
    `${where}.maxDelayMs`,
    v.maxDelayMs,
    Math.max(base.maxDelayMs, initialDelayMs),
    0,
    3_600_000,
  );
  if (maxDelayMs < initialDelayMs)
    invalid(`${where}.maxDelayMs (${maxDelayMs}) is shorter than initialDelayMs (${initialDelayMs}).`, value);
  const multiplier = v.multiplier ?? base.multiplier;
  if (typeof multiplier !== 'number' || !Number.isFinite(multiplier) || multiplier < 1 || multiplier > 10)
    invalid(`${where}.multiplier must be a number from 1 to 10, got ${describeValue(multiplier)}.`, multiplier);
  return {
    attempts: integer(`${where}.attempts`, v.attempts, base.attempts, 1, 100),
    initialDelayMs,
    maxDelayMs,
    multiplier,
    jitter: fraction(`${where}.jitter`, v.jitter, base.jitter),
  };
}

const DEFAULT_DELIVERY: ResolvedDelivery = {
  concurrency: 8,
  pipelining: 1,
  timeoutMs: 5_000,
  connectTimeoutMs: 3_000,
  maxQueue: 10_000,
  retry: { attempts: 8, initialDelayMs: 250, maxDelayMs: 10_000, multiplier: 2, jitter: 0.5 },
};

function resolveDelivery(
  where: string,
  value: DeliveryOptions & Record<string, unknown>,
  base: ResolvedDelivery,
): ResolvedDelivery {
  const timeoutMs = integer(`${where}.timeoutMs`, value.timeoutMs, base.timeoutMs, 1, 600_000);
  return {
    concurrency: integer(`${where}.concurrency`, value.concurrency, base.concurrency, 1, 1024),
    pipelining: integer(`${where}.pipelining`, value.pipelining, base.pipelining, 1, 100),
    timeoutMs,
    connectTimeoutMs: integer(
      `${where}.connectTimeoutMs`,
      value.connectTimeoutMs,
      Math.min(base.connectTimeoutMs, timeoutMs),
      1,
      600_000,
    ),
    maxQueue: integer(`${where}.maxQueue`, value.maxQueue, base.maxQueue, 1, 10_000_000),
    retry: resolveRetry(`${where}.retry`, value.retry, base.retry),
  };
}

function resolveHeaders(where: string, value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  if (!isRecord(value))
    invalid(`${where} must be an object of header names and values, got ${describeValue(value)}.`, value);
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (!TOKEN.test(name)) invalid(`${where}: ${JSON.stringify(name)} is not a header name.`, name);
    if (name.toLowerCase() === 'host')
      invalid(`${where}: the Host header comes from 'domains' (or the proxy URL), not from extra headers.`, name);
    if (typeof v !== 'string' || !HEADER_VALUE.test(v))
      invalid(`${where}.${name} must be a header value without line breaks, got ${describeValue(v)}.`, v);
    headers[name.toLowerCase()] = v;
  }
  return Object.freeze(headers);
}

function resolveTls(where: string, value: unknown, address: ProxyAddress): ProxyTlsOptions | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) invalid(`${where} must be an object such as { ca }, got ${describeValue(value)}.`, value);
  checkKeys(where, value, ['ca', 'rejectUnauthorized', 'servername']);
  if (address.scheme !== 'https') invalid(`${where} is set but ${address.href} is not an https URL.`, value);
  const tls = value as ProxyTlsOptions;
  const cas = tls.ca === undefined ? [] : Array.isArray(tls.ca) ? (tls.ca as readonly unknown[]) : [tls.ca];
  for (const ca of cas)
    if (typeof ca !== 'string' && !Buffer.isBuffer(ca))
      invalid(`${where}.ca must be PEM text or a Buffer (or a list of them), got ${describeValue(ca)}.`, ca);
  flag(`${where}.rejectUnauthorized`, tls.rejectUnauthorized, true);
  if (tls.servername !== undefined && (typeof tls.servername !== 'string' || tls.servername === ''))
    invalid(`${where}.servername must be a host name, got ${describeValue(tls.servername)}.`, tls.servername);
  return tls;
}

const KINDS: readonly ProxyKind[] = ['varnish', 'nginx', 'generic'];

function resolveProxy(entry: unknown, index: number, base: ResolvedDelivery): ResolvedProxy {
  const where = `proxies[${index}]`;
  const options: ProxyOptions & Record<string, unknown> =
    typeof entry === 'string'
      ? { url: entry }
      : isRecord(entry)
        ? (entry as ProxyOptions & Record<string, unknown>)
        : invalid(`${where} must be a URL or { url, ... }, got ${describeValue(entry)}.`, entry);
  checkKeys(where, options, PROXY_KEYS);
  const address = parseProxyUrl(options.url);
  const kind = options.kind ?? 'varnish';
  if (!KINDS.includes(kind))
    invalid(`${where}.kind must be one of ${KINDS.join(', ')}, got ${describeValue(kind)}.`, kind);
  const name = options.name ?? address.href;
  if (typeof name !== 'string' || name.trim() === '' || !HEADER_VALUE.test(name))
    invalid(`${where}.name must be a non-empty single-line text, got ${describeValue(name)}.`, name);
  const softPurge = flag(`${where}.softPurge`, options.softPurge, false);
  if (softPurge && kind !== 'varnish') {
    throw purgeError(
      PurgeErrorCodes.UNSUPPORTED,
      `${where} (${name}): softPurge needs a Varnish proxy (xkey-softpurge and the shipped VCL); ${kind} proxies only purge hard.`,
      options,
    );
  }
  const defaultPurgeMethod = 'PURGE';
  const purgeMethod = token(`${where}.purgeMethod`, options.purgeMethod, defaultPurgeMethod).toUpperCase();
  let tags: TagSettings | undefined;
  if (kind === 'varnish') {
    if (options.tagHeader !== undefined || options.tagSeparator !== undefined) {
      throw purgeError(
        PurgeErrorCodes.UNSUPPORTED,
        `${where} (${name}): Varnish proxies purge tags with the xkey-purge / xkey-softpurge headers; tagHeader and tagSeparator are for kind 'generic'.`,
        options,
      );
    }
    tags = {
      header: softPurge ? 'xkey-softpurge' : 'xkey-purge',
      method: token(`${where}.tagMethod`, options.tagMethod, 'PURGEKEYS').toUpperCase(),
      separator: ' ',
    };
  } else if (kind === 'generic') {
    if (options.tagHeader !== undefined) {
      const header = token(`${where}.tagHeader`, options.tagHeader, '');
      const separator = options.tagSeparator ?? ' ';
      if (separator !== ' ' && separator !== ',')
        invalid(`${where}.tagSeparator must be ' ' or ',', got ${describeValue(separator)}.`, separator);
      tags = {
        header: header.toLowerCase(),
        method: token(`${where}.tagMethod`, options.tagMethod, 'PURGE').toUpperCase(),
        separator,
      };
    } else if (options.tagMethod !== undefined || options.tagSeparator !== undefined) {
      invalid(
        `${where} (${name}): tagMethod and tagSeparator need tagHeader, the header the proxy reads tags from.`,
        options,
      );
    }
  } else if (options.tagHeader !== undefined || options.tagMethod !== undefined || options.tagSeparator !== undefined) {
    throw purgeError(
      PurgeErrorCodes.UNSUPPORTED,
      `${where} (${name}): nginx's proxy_cache_purge purges URLs only; it has no tags.`,
      options,
    );
  }
  if (kind === 'nginx' && purgeMethod !== 'PURGE' && purgeMethod !== 'GET') {
    invalid(
      `${where} (${name}): nginx purges with PURGE (proxy_cache_purge PURGE ...) or GET on a purge location (proxy_cache_purge zone key), got ${purgeMethod}.`,
      purgeMethod,
    );
  }
  if (purgeMethod === 'GET' && address.prefix === '') {
    invalid(
      `${where} (${name}): purgeMethod GET needs a purge location in the URL (http://nginx:8080/purge); GET on the bare URL would fetch pages, not purge them.`,
      options.url,
    );
  }
  return {
    name: name.trim(),
    kind,
    address,
    purgeMethod,
    softPurge,
    tags,
    ban: kind === 'varnish',
    maxHeaderBytes: integer(`${where}.maxHeaderBytes`, options.maxHeaderBytes, 7_500, 64, 1_048_576),
    headers: resolveHeaders(`${where}.headers`, options.headers),
    delivery: resolveDelivery(where, options, base),
    tls: resolveTls(`${where}.tls`, options.tls, address),
  };
}

function resolveVirtualHosting(
  value: PurgerOptions['virtualHosting'],
  domains: readonly PublicDomain[],
): ResolvedVirtualHosting {
  if (value === undefined || value === 'public-host') return { mode: 'public-host', domains };
  if (!isRecord(value) || value.mode !== 'vhm')
    invalid(
      `virtualHosting must be 'public-host' or { mode: 'vhm', root, prefix? }, got ${describeValue(value)}.`,
      value,
    );
  checkKeys('virtualHosting', value, ['mode', 'root', 'prefix']);
  const vhm = value as { root?: unknown; prefix?: unknown };
  if (typeof vhm.root !== 'string')
    invalid(
      `virtualHosting.root must be the site's path in the backend ('/plone', or '/' for the root), got ${describeValue(vhm.root)}.`,
      vhm.root,
    );
  if (vhm.prefix !== undefined && typeof vhm.prefix !== 'string')
    invalid(`virtualHosting.prefix must be a path such as '/foo/bar', got ${describeValue(vhm.prefix)}.`, vhm.prefix);
  if (domains.length === 0) {
    invalid(
      `virtualHosting 'vhm' needs the public domains (domains: ['https://www.example.com:443']): the rewritten paths name them, and cacheset never takes them from the current request.`,
      value,
    );
  }
  return { mode: 'vhm', root: normalizeVhmRoot(vhm.root), prefix: vhmInsideOutPrefix(vhm.prefix ?? ''), domains };
}

/** Validates every option and fills in the defaults; any mistake is a `CachesetError` now, not at the first purge. */
export function resolveOptions(options: PurgerOptions): ResolvedConfig {
  if (!isRecord(options))
    invalid(
      `createPurger: expected options such as { proxies: ['http://127.0.0.1:6081'], container }, got ${describeValue(options)}.`,
      options,
    );
  const o = options as PurgerOptions & Record<string, unknown>;
  checkKeys('createPurger', o, PURGER_KEYS);
  if (!Array.isArray(o.proxies))
    invalid(`proxies must be a list of proxy URLs or { url, ... }, got ${describeValue(o.proxies)}.`, o.proxies);
  const deliveryOptions = o.delivery ?? {};
  if (!isRecord(deliveryOptions))
    invalid(`delivery must be an object, got ${describeValue(deliveryOptions)}.`, deliveryOptions);
  checkKeys('delivery', deliveryOptions, DELIVERY_KEYS);
  const base = resolveDelivery(
    'delivery',
    deliveryOptions as DeliveryOptions & Record<string, unknown>,
    DEFAULT_DELIVERY,
  );
  const proxies = (o.proxies as readonly unknown[]).map((entry, i) => resolveProxy(entry, i, base));
  const names = new Set<string>();
  const targets = new Set<string>();
  for (const proxy of proxies) {
    if (targets.has(proxy.address.href))
      throw purgeError(
        PurgeErrorCodes.DUPLICATE_PROXY,
        `proxies: ${proxy.address.href} is listed twice; every purge would be sent to it twice.`,
        proxy.address.href,
      );
    if (names.has(proxy.name))
      throw purgeError(
        PurgeErrorCodes.DUPLICATE_PROXY,
        `proxies: two proxies are named ${JSON.stringify(proxy.name)}; names label statistics and must differ.`,
        proxy.name,
      );
    names.add(proxy.name);
    targets.add(proxy.address.href);
  }
  if (o.domains !== undefined && !Array.isArray(o.domains))
    invalid(`domains must be a list such as ['https://www.example.com'], got ${describeValue(o.domains)}.`, o.domains);
  const domains = ((o.domains ?? []) as readonly unknown[]).map(parseDomain);
  const virtualHosting = resolveVirtualHosting(o.virtualHosting, domains);
  if (o.bus !== undefined && o.bus !== false && !(o.bus instanceof EventBus))
    invalid(`bus must be an EventBus or false, got ${describeValue(o.bus)}.`, o.bus);
  const bus = o.bus === false ? undefined : (o.bus ?? getDefaultBus());
  if (o.adapters !== undefined && !(o.adapters instanceof AdapterLookup))
    invalid(`adapters must be an AdapterLookup, got ${describeValue(o.adapters)}.`, o.adapters);
  if (
    o.container !== undefined &&
    (typeof o.container !== 'object' ||
      o.container === null ||
      typeof (o.container as { isBound?: unknown }).isBound !== 'function')
  ) {
    invalid(`container must be an inversify Container, got ${describeValue(o.container)}.`, o.container);
  }
  const adapters = o.adapters ?? (o.container === undefined ? undefined : new AdapterLookup(o.container));
  if (adapters === undefined && bus !== undefined) {
    invalid(
      `createPurger: give the application's inversify container (container) or an AdapterLookup (adapters): Purge events are turned into paths by the IPurgePaths adapters bound there. Pass bus: false to purge only by hand.`,
      options,
    );
  }
  if (
    o.logger !== undefined &&
    (!isRecord(o.logger) || typeof o.logger.warn !== 'function' || typeof o.logger.error !== 'function')
  ) {
    invalid(
      `logger must have warn(message, details) and error(message, details), got ${describeValue(o.logger)}.`,
      o.logger,
    );
  }
  return {
    proxies,
    virtualHosting,
    adapters,
    bus,
    enabled: flag('enabled', o.enabled, true),
    tags: flag('tags', o.tags, true),
    waitForDelivery: flag('waitForDelivery', o.waitForDelivery, false),
    historySize: integer('historySize', o.historySize, 200, 0, 100_000),
    logger: o.logger ?? consoleLogger,
  };
}
