import type { AdapterLookup, CachesetLogger, EventBus } from '@cacheset/core';
import type { Container } from 'inversify';

/** Retries of one purge request to one proxy. */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 8 (about 25 s of back-off with the other defaults). */
  readonly attempts?: number;
  /** The wait before the first retry (ms). Default 250. */
  readonly initialDelayMs?: number;
  /** No wait is longer than this (ms). Default 10 000. */
  readonly maxDelayMs?: number;
  /** Each wait is this many times the previous one. Default 2. */
  readonly multiplier?: number;
  /**
   * Share of each wait that is random, 0 to 1 (default 0.5: a wait of d becomes d/2 + random·d/2), so
   * that many processes retrying a proxy that comes back do not all knock at the same instant.
   */
  readonly jitter?: number;
}

/** How requests reach one proxy. Set for all proxies in `PurgerOptions.delivery`, or per proxy. */
export interface DeliveryOptions {
  /** Keep-alive connections to the proxy, and so requests in flight at once. Default 8. */
  readonly concurrency?: number;
  /** HTTP/1.1 pipelining depth per connection. Default 1 (none). */
  readonly pipelining?: number;
  /** Longest wait for the proxy's answer to one request (ms); a timeout is retried. Default 5 000. */
  readonly timeoutMs?: number;
  /** Longest wait for a connection (ms). Default 3 000 (or `timeoutMs` if smaller). */
  readonly connectTimeoutMs?: number;
  /**
   * Requests waiting for this proxy (queued, in flight or waiting to retry) at most. A purge that finds
   * the queue full is dropped, counted as `dropped` and logged. Default 10 000.
   */
  readonly maxQueue?: number;
  readonly retry?: RetryOptions;
}

/** TLS settings for an https proxy URL. */
export interface ProxyTlsOptions {
  /** Certificate authorities to trust (PEM), e.g. a private CA of the proxy's certificate. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Default true. Turning it off accepts any certificate: only for a proxy on a trusted network. */
  readonly rejectUnauthorized?: boolean;
  /** The name checked against the certificate, when it differs from the URL's host. */
  readonly servername?: string;
}

/**
 * What a proxy can do:
 * - `varnish`: PURGE of paths (soft with `softPurge`, needs the shipped VCL), BAN by URL regular
 *   expression (`X-Ban-Url`), tags through xkey (`xkey-purge` / `xkey-softpurge`).
 * - `nginx`: purge of paths in the `proxy_cache_purge` form (ngx_cache_purge or NGINX Plus):
 *   `PURGE /path`, or `GET /purge/path` with `purgeMethod: 'GET'` and the URL path `/purge`.
 * - `generic`: PURGE of paths; tags when `tagHeader` names the header the proxy reads
 *   (`Surrogate-Key`, `Cache-Tag`, ...).
 */
export type ProxyKind = 'varnish' | 'nginx' | 'generic';

export interface ProxyOptions extends DeliveryOptions {
  /**
   * `http://host:port`, `https://host`, or with a path that prefixes every purged path
   * (`http://nginx:8080/purge`). Without a scheme, http is assumed.
   */
  readonly url: string;
  /** For statistics, history and logs. Default: the URL. */
  readonly name?: string;
  /** Default `varnish`. */
  readonly kind?: ProxyKind;
  /** The method of path purges. Default `PURGE`. */
  readonly purgeMethod?: string;
  /** Soft purges (the object stays usable for grace): xkey-softpurge, and soft path purges with the shipped VCL. Varnish only. */
  readonly softPurge?: boolean;
  /** `generic` proxies: the request header that carries tags. Without it a generic proxy gets no tag purges. */
  readonly tagHeader?: string;
  /** The method of tag purges. Default `PURGEKEYS` for Varnish (as FOSHttpCache), `PURGE` for generic proxies. */
  readonly tagMethod?: string;
  /** `generic` proxies: how tags are joined in `tagHeader`. Default ' '. */
  readonly tagSeparator?: ' ' | ',';
  /**
   * Longest header value sent (bytes): longer tag lists are split over several requests. Default 7 500
   * (Varnish rejects request headers over `http_req_hdr_len`, 8 KiB by default).
   */
  readonly maxHeaderBytes?: number;
  /** Extra headers on every request to this proxy (an API token, for example). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly tls?: ProxyTlsOptions;
}

/**
 * Virtual hosting: how the paths of the public site reach the proxy's cache keys.
 * - `public-host` (default): each relative path is purged once per configured domain, with that
 *   domain as the `Host` header on the proxy connection (`PURGE /a` + `Host: www.example.com`).
 *   Without domains, the proxy's own host is used.
 * - `vhm`: plone.cachepurging's rewriter: each relative path becomes
 *   `/VirtualHostBase/<scheme>/<host><root>/VirtualHostRoot<prefix><path>` for each domain, for
 *   proxies that cache the rewritten URLs of a Zope-style virtual host monster.
 */
export type VirtualHostingOptions =
  | 'public-host'
  | {
      readonly mode: 'vhm';
      /** The site's path inside the backend (`/plone`); `/` or '' for the root. */
      readonly root: string;
      /** Inside-out hosting: the public path the site appears under (`/foo/bar` → `/_vh_foo/_vh_bar`). */
      readonly prefix?: string;
    };

export interface PurgerOptions {
  /** The caching proxies, as URLs or with per-proxy options. May be empty: paths are queued, nothing is sent. */
  readonly proxies: readonly (string | ProxyOptions)[];
  /** The application's inversify container, where `IPurgePaths` and `ISurrogateKeys` adapters are bound. */
  readonly container?: Container;
  /** Or an adapter lookup over it. One of `container` and `adapters` is needed unless `bus` is false. */
  readonly adapters?: AdapterLookup;
  /** The bus whose `Purge` events are queued. Default: the default bus. `false`: none (call `queue()` yourself). */
  readonly bus?: EventBus | false;
  /** Master switch, default true (plone.cachepurging's `enabled`). Off: events queue nothing. */
  readonly enabled?: boolean;
  /** The public domains of the site (`https://www.example.com`). Never taken from the current request. */
  readonly domains?: readonly string[];
  /** Default `public-host`. */
  readonly virtualHosting?: VirtualHostingOptions;
  /** Purge the tags (`ISurrogateKeys`) of purged objects as well as their paths. Default true. */
  readonly tags?: boolean;
  /**
   * The synchronous mode: a unit of work's commit (`await runInUnitOfWork(...)`, `await unit.commit()`)
   * resolves only once every proxy answered or the purge finally failed. Default false: the commit
   * hands the purges over and returns at once.
   */
  readonly waitForDelivery?: boolean;
  /**
   * Responses wait for purge delivery: purges fired inside a unit of work (an HTTP request) are sent
   * as soon as the unit's in-process invalidation (dumped files, RAM copies) is done, and the unit
   * waits for every proxy's answer (the HTTP adapters hold the response until then), at most
   * `synchronousTimeoutMs`; after that the response goes and delivery continues (retries) in the
   * background. Purges are sent before the unit ends, so an aborted unit no longer discards them.
   * Default false: purges go after the unit committed, and responses never wait for proxies.
   */
  readonly synchronous?: boolean;
  /** The longest a unit (a response) waits for purge delivery in `synchronous` mode (ms). Default 2 000. */
  readonly synchronousTimeoutMs?: number;
  /**
   * When a proxy answers again after failures (down, restarted, unreachable), send it a BAN of
   * everything for each public host: purges may have been dropped meanwhile, and a restarted proxy
   * lost its cache anyway. Only proxies that can BAN (Varnish with the shipped VCL). Default true.
   */
  readonly flushOnReturn?: boolean;
  /** For every proxy that does not say otherwise. */
  readonly delivery?: DeliveryOptions;
  /** How many finished purge requests `history()` keeps. Default 200. */
  readonly historySize?: number;
  readonly logger?: CachesetLogger;
}
