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
import { OptionReader } from '@cacheset/core/internal';

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
  readonly synchronous: boolean;
  readonly synchronousTimeoutMs: number;
  readonly flushOnReturn: boolean;
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
  'synchronous',
  'synchronousTimeoutMs',
  'flushOnReturn',
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

// Typed explicitly: a method returning never narrows control flow only through an annotated reference.
const read: OptionReader = new OptionReader((message, value) =>
  purgeError(PurgeErrorCodes.INVALID_OPTIONS, message, value),
);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveRetry(where: string, value: unknown, base: ResolvedRetry): ResolvedRetry {
  if (value === undefined) return base;
  if (!isRecord(value))
    read.fail(`${where} must be an object such as { attempts: 8 }, got ${describeValue(value)}.`, value);
  const v = value as RetryOptions & Record<string, unknown>;
  read.keys(where, v, RETRY_KEYS);
  const initialDelayMs = read.integer(`${where}.initialDelayMs`, v.initialDelayMs, base.initialDelayMs, {
    min: 0,
    max: 3_600_000,
  });
  const maxDelayMs = read.integer(`${where}.maxDelayMs`, v.maxDelayMs, Math.max(base.maxDelayMs, initialDelayMs), {
    min: 0,
    max: 3_600_000,
  });
  if (maxDelayMs < initialDelayMs)
    read.fail(`${where}.maxDelayMs (${maxDelayMs}) is shorter than initialDelayMs (${initialDelayMs}).`, value);
  const multiplier = v.multiplier ?? base.multiplier;
  if (typeof multiplier !== 'number' || !Number.isFinite(multiplier) || multiplier < 1 || multiplier > 10)
    read.fail(`${where}.multiplier must be a number from 1 to 10, got ${describeValue(multiplier)}.`, multiplier);
  return {
    attempts: read.integer(`${where}.attempts`, v.attempts, base.attempts, { min: 1, max: 100 }),
    initialDelayMs,
    maxDelayMs,
    multiplier,
    jitter: read.number(`${where}.jitter`, v.jitter, base.jitter, { min: 0, max: 1 }),
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
  const timeoutMs = read.integer(`${where}.timeoutMs`, value.timeoutMs, base.timeoutMs, { min: 1, max: 600_000 });
  return {
    concurrency: read.integer(`${where}.concurrency`, value.concurrency, base.concurrency, { min: 1, max: 1024 }),
    pipelining: read.integer(`${where}.pipelining`, value.pipelining, base.pipelining, { min: 1, max: 100 }),
    timeoutMs,
    connectTimeoutMs: read.integer(
      `${where}.connectTimeoutMs`,
      value.connectTimeoutMs,
      Math.min(base.connectTimeoutMs, timeoutMs),
      { min: 1, max: 600_000 },
    ),
    maxQueue: read.integer(`${where}.maxQueue`, value.maxQueue, base.maxQueue, { min: 1, max: 10_000_000 }),
    retry: resolveRetry(`${where}.retry`, value.retry, base.retry),
  };
}

function resolveHeaders(where: string, value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  if (!isRecord(value))
    read.fail(`${where} must be an object of header names and values, got ${describeValue(value)}.`, value);
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (!TOKEN.test(name)) read.fail(`${where}: ${JSON.stringify(name)} is not a header name.`, name);
    if (name.toLowerCase() === 'host')
      read.fail(`${where}: the Host header comes from 'domains' (or the proxy URL), not from extra headers.`, name);
    if (typeof v !== 'string' || !HEADER_VALUE.test(v))
      read.fail(`${where}.${name} must be a header value without line breaks, got ${describeValue(v)}.`, v);
    headers[name.toLowerCase()] = v;
  }
  return Object.freeze(headers);
}

function resolveTls(where: string, value: unknown, address: ProxyAddress): ProxyTlsOptions | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) read.fail(`${where} must be an object such as { ca }, got ${describeValue(value)}.`, value);
  read.keys(where, value, ['ca', 'rejectUnauthorized', 'servername']);
  if (address.scheme !== 'https') read.fail(`${where} is set but ${address.href} is not an https URL.`, value);
  const tls = value as ProxyTlsOptions;
  const cas = tls.ca === undefined ? [] : Array.isArray(tls.ca) ? (tls.ca as readonly unknown[]) : [tls.ca];
  for (const ca of cas)
    if (typeof ca !== 'string' && !Buffer.isBuffer(ca))
      read.fail(`${where}.ca must be PEM text or a Buffer (or a list of them), got ${describeValue(ca)}.`, ca);
  read.flag(`${where}.rejectUnauthorized`, tls.rejectUnauthorized, true);
  if (tls.servername !== undefined && (typeof tls.servername !== 'string' || tls.servername === ''))
    read.fail(`${where}.servername must be a host name, got ${describeValue(tls.servername)}.`, tls.servername);
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
        : read.fail(`${where} must be a URL or { url, ... }, got ${describeValue(entry)}.`, entry);
  read.keys(where, options, PROXY_KEYS);
  const address = parseProxyUrl(options.url);
  const kind = options.kind ?? 'varnish';
  if (!KINDS.includes(kind))
    read.fail(`${where}.kind must be one of ${KINDS.join(', ')}, got ${describeValue(kind)}.`, kind);
  const name = options.name ?? address.href;
  if (typeof name !== 'string' || name.trim() === '' || !HEADER_VALUE.test(name))
    read.fail(`${where}.name must be a non-empty single-line text, got ${describeValue(name)}.`, name);
  const softPurge = read.flag(`${where}.softPurge`, options.softPurge, false);
  if (softPurge && kind !== 'varnish') {
    throw purgeError(
      PurgeErrorCodes.UNSUPPORTED,
      `${where} (${name}): softPurge needs a Varnish proxy (xkey-softpurge and the shipped VCL); ${kind} proxies only purge hard.`,
      options,
    );
  }
  const defaultPurgeMethod = 'PURGE';
  const purgeMethod = read
    .text(
      `${where}.purgeMethod`,
      options.purgeMethod,
      defaultPurgeMethod,
      TOKEN,
      'an HTTP method or header name (letters, digits, - and the like)',
    )
    .toUpperCase();
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
      method: read
        .text(
          `${where}.tagMethod`,
          options.tagMethod,
          'PURGEKEYS',
          TOKEN,
          'an HTTP method or header name (letters, digits, - and the like)',
        )
        .toUpperCase(),
      separator: ' ',
    };
  } else if (kind === 'generic') {
    if (options.tagHeader !== undefined) {
      const header = read.text(
        `${where}.tagHeader`,
        options.tagHeader,
        '',
        TOKEN,
        'an HTTP method or header name (letters, digits, - and the like)',
      );
      const separator = options.tagSeparator ?? ' ';
      if (separator !== ' ' && separator !== ',')
        read.fail(`${where}.tagSeparator must be ' ' or ',', got ${describeValue(separator)}.`, separator);
      tags = {
        header: header.toLowerCase(),
        method: read
          .text(
            `${where}.tagMethod`,
            options.tagMethod,
            'PURGE',
            TOKEN,
            'an HTTP method or header name (letters, digits, - and the like)',
          )
          .toUpperCase(),
        separator,
      };
    } else if (options.tagMethod !== undefined || options.tagSeparator !== undefined) {
      read.fail(
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
    read.fail(
      `${where} (${name}): nginx purges with PURGE (proxy_cache_purge PURGE ...) or GET on a purge location (proxy_cache_purge zone key), got ${purgeMethod}.`,
      purgeMethod,
    );
  }
  if (purgeMethod === 'GET' && address.prefix === '') {
    read.fail(
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
    maxHeaderBytes: read.integer(`${where}.maxHeaderBytes`, options.maxHeaderBytes, 7_500, { min: 64, max: 1_048_576 }),
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
    read.fail(
      `virtualHosting must be 'public-host' or { mode: 'vhm', root, prefix? }, got ${describeValue(value)}.`,
      value,
    );
  read.keys('virtualHosting', value, ['mode', 'root', 'prefix']);
  const vhm = value as { root?: unknown; prefix?: unknown };
  if (typeof vhm.root !== 'string')
    read.fail(
      `virtualHosting.root must be the site's path in the backend ('/plone', or '/' for the root), got ${describeValue(vhm.root)}.`,
      vhm.root,
    );
  if (vhm.prefix !== undefined && typeof vhm.prefix !== 'string')
    read.fail(`virtualHosting.prefix must be a path such as '/foo/bar', got ${describeValue(vhm.prefix)}.`, vhm.prefix);
  if (domains.length === 0) {
    read.fail(
      `virtualHosting 'vhm' needs the public domains (domains: ['https://www.example.com:443']): the rewritten paths name them, and cacheset never takes them from the current request.`,
      value,
    );
  }
  return { mode: 'vhm', root: normalizeVhmRoot(vhm.root), prefix: vhmInsideOutPrefix(vhm.prefix ?? ''), domains };
}

/** Validates every option and fills in the defaults; any mistake is a `CachesetError` now, not at the first purge. */
export function resolveOptions(options: PurgerOptions): ResolvedConfig {
  if (!isRecord(options))
    read.fail(
      `createPurger: expected options such as { proxies: ['http://127.0.0.1:6081'], container }, got ${describeValue(options)}.`,
      options,
    );
  const o = options as PurgerOptions & Record<string, unknown>;
  read.keys('createPurger', o, PURGER_KEYS);
  if (!Array.isArray(o.proxies))
    read.fail(`proxies must be a list of proxy URLs or { url, ... }, got ${describeValue(o.proxies)}.`, o.proxies);
  const deliveryOptions = o.delivery ?? {};
  if (!isRecord(deliveryOptions))
    read.fail(`delivery must be an object, got ${describeValue(deliveryOptions)}.`, deliveryOptions);
  read.keys('delivery', deliveryOptions, DELIVERY_KEYS);
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
    read.fail(
      `domains must be a list such as ['https://www.example.com'], got ${describeValue(o.domains)}.`,
      o.domains,
    );
  const domains = ((o.domains ?? []) as readonly unknown[]).map(parseDomain);
  const virtualHosting = resolveVirtualHosting(o.virtualHosting, domains);
  if (o.bus !== undefined && o.bus !== false && !(o.bus instanceof EventBus))
    read.fail(`bus must be an EventBus or false, got ${describeValue(o.bus)}.`, o.bus);
  const bus = o.bus === false ? undefined : (o.bus ?? getDefaultBus());
  if (o.adapters !== undefined && !(o.adapters instanceof AdapterLookup))
    read.fail(`adapters must be an AdapterLookup, got ${describeValue(o.adapters)}.`, o.adapters);
  if (
    o.container !== undefined &&
    (typeof o.container !== 'object' ||
      o.container === null ||
      typeof (o.container as { isBound?: unknown }).isBound !== 'function')
  ) {
    read.fail(`container must be an inversify Container, got ${describeValue(o.container)}.`, o.container);
  }
  const adapters = o.adapters ?? (o.container === undefined ? undefined : new AdapterLookup(o.container));
  if (adapters === undefined && bus !== undefined) {
    read.fail(
      `createPurger: give the application's inversify container (container) or an AdapterLookup (adapters): Purge events are turned into paths by the IPurgePaths adapters bound there. Pass bus: false to purge only by hand.`,
      options,
    );
  }
  if (
    o.logger !== undefined &&
    (!isRecord(o.logger) || typeof o.logger.warn !== 'function' || typeof o.logger.error !== 'function')
  ) {
    read.fail(
      `logger must have warn(message, details) and error(message, details), got ${describeValue(o.logger)}.`,
      o.logger,
    );
  }
  return {
    proxies,
    virtualHosting,
    adapters,
    bus,
    enabled: read.flag('enabled', o.enabled, true),
    tags: read.flag('tags', o.tags, true),
    waitForDelivery: read.flag('waitForDelivery', o.waitForDelivery, false),
    synchronous: read.flag('synchronous', o.synchronous, false),
    synchronousTimeoutMs: read.integer('synchronousTimeoutMs', o.synchronousTimeoutMs, 2_000, {
      min: 1,
      max: 60_000,
    }),
    flushOnReturn: read.flag('flushOnReturn', o.flushOnReturn, true),
    historySize: read.integer('historySize', o.historySize, 200, { min: 0, max: 100_000 }),
    logger: o.logger ?? consoleLogger,
  };
}
