import { describeValue } from '@cacheset/core';
import { PurgeErrorCodes, purgeError } from '../errors/purgeErrorCodes.js';

/** Where purge requests for one proxy go. */
export interface ProxyAddress {
  /** `http://host:port` or `https://host:port`: one connection pool per origin. */
  readonly origin: string;
  readonly scheme: 'http' | 'https';
  /**
   * Put in front of every purged path (AcceleratedHTTPCacheManager's notify-URL semantics, SCM-15):
   * `http://cache:8080/purge` purges `/a` as `/purge/a`. Empty for a bare origin. One trailing slash
   * of the URL is dropped.
   */
  readonly prefix: string;
  /**
   * True when the prefix is itself a URL (`http://squid:3128/http://www.example.com`): requests use
   * the absolute form `PURGE http://www.example.com/a`, as Squid-style full-URL purges need.
   */
  readonly absoluteForm: boolean;
  /** The proxy's own Host (`host:port`), or the host of an absolute-form prefix. */
  readonly hostHeader: string;
  /** Normalized, for names and messages. */
  readonly href: string;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Parses a proxy URL. Without a scheme, `http://` is assumed (`varnish:6081`), as Zope's notify URLs
 * did. https works (unlike Zope's, which turned `https://x` into `http://https://x`). A path is a
 * prefix for every purged path. Credentials, queries and fragments are start-up errors: the first
 * would leak into logs and the others would be silently dropped by a proxy.
 */
export function parseProxyUrl(value: unknown): ProxyAddress {
  if (typeof value !== 'string' || value.trim() === '') {
    throw purgeError(
      PurgeErrorCodes.INVALID_PROXY_URL,
      `proxies: expected a proxy URL such as 'http://127.0.0.1:6081', got ${describeValue(value)}.`,
      value,
    );
  }
  const text = value.trim();
  const withScheme = SCHEME.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw purgeError(PurgeErrorCodes.INVALID_PROXY_URL, `proxies: ${JSON.stringify(text)} is not a URL.`, value);
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') {
    throw purgeError(
      PurgeErrorCodes.INVALID_PROXY_URL,
      `proxies: ${JSON.stringify(text)} uses ${url.protocol}; purges go over http:// or https://.`,
      value,
    );
  }
  if (url.hostname === '') {
    throw purgeError(PurgeErrorCodes.INVALID_PROXY_URL, `proxies: ${JSON.stringify(text)} has no host.`, value);
  }
  if (url.username !== '' || url.password !== '') {
    throw purgeError(
      PurgeErrorCodes.INVALID_PROXY_URL,
      `proxies: ${JSON.stringify(text)} contains credentials; give them as a header instead (headers: { authorization: '...' }), so they stay out of logs and statistics.`,
      value,
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw purgeError(
      PurgeErrorCodes.INVALID_PROXY_URL,
      `proxies: ${JSON.stringify(text)} has a query or fragment; a proxy URL is scheme, host, port and an optional path prefix.`,
      value,
    );
  }
  const path = url.pathname === '/' ? '' : url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  const origin = `${url.protocol}//${url.host}`;
  const full = /^\/https?:\/\//i.exec(path);
  if (full !== null) {
    const inner = path.slice(1);
    let target: URL;
    try {
      target = new URL(inner);
    } catch {
      throw purgeError(
        PurgeErrorCodes.INVALID_PROXY_URL,
        `proxies: the full-URL prefix ${JSON.stringify(inner)} of ${JSON.stringify(text)} is not a URL.`,
        value,
      );
    }
    return { origin, scheme, prefix: inner, absoluteForm: true, hostHeader: target.host, href: `${origin}${path}` };
  }
  return { origin, scheme, prefix: path, absoluteForm: false, hostHeader: url.host, href: `${origin}${path}` };
}
