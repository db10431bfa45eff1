import { describeValue } from '@cacheset/core';
import { PurgeErrorCodes, purgeError } from '../errors/purgeErrorCodes.js';

/** A public domain of the site, as configured (`https://www.example.com`, `example.org:8080`). */
export interface PublicDomain {
  /** As configured, for messages. */
  readonly text: string;
  readonly scheme: 'http' | 'https';
  /**
   * The host as written, with the port only when the configuration names one: what the VirtualHostBase
   * form carries (plone.cachepurging keeps `example.com:81`, and `example.com` stays port-less).
   */
  readonly authority: string;
  /** The Host header a browser sends for this domain: IDN in punycode, default ports dropped. */
  readonly hostHeader: string;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Parses one entry of `domains`. A bare host (`www.example.com`) means http. Paths, queries,
 * credentials and schemes other than http and https are start-up errors: a domain names a host, and
 * a wrong one would make every purge miss without anybody noticing.
 */
export function parseDomain(value: unknown): PublicDomain {
  if (typeof value !== 'string' || value.trim() === '') {
    throw purgeError(
      PurgeErrorCodes.INVALID_DOMAIN,
      `domains: expected a public domain such as 'https://www.example.com', got ${describeValue(value)}.`,
      value,
    );
  }
  const text = value.trim();
  const explicit = SCHEME.exec(text);
  const withScheme = explicit === null ? `http://${text}` : text;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw purgeError(
      PurgeErrorCodes.INVALID_DOMAIN,
      `domains: ${JSON.stringify(text)} is not a host name or URL.`,
      value,
    );
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') {
    throw purgeError(
      PurgeErrorCodes.INVALID_DOMAIN,
      `domains: ${JSON.stringify(text)} uses ${url.protocol}; a public domain is http:// or https://.`,
      value,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw purgeError(
      PurgeErrorCodes.INVALID_DOMAIN,
      `domains: ${JSON.stringify(text)} contains credentials; a domain only names the public host.`,
      value,
    );
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw purgeError(
      PurgeErrorCodes.INVALID_DOMAIN,
      `domains: ${JSON.stringify(text)} has a path or query; give only scheme, host and port (a site below a path is what virtualHosting's 'prefix' is for).`,
      value,
    );
  }
  // The port exactly as written, even a default one: the VirtualHostBase form carries what the
  // front server put there (often ':80'), while Host headers never carry default ports.
  const written = /^(?:\[[^\]]*\]|[^:/]*)(?::(\d+))?/.exec(withScheme.slice(withScheme.indexOf('//') + 2));
  const port = written?.[1];
  return {
    text,
    scheme,
    authority: port === undefined ? url.hostname : `${url.hostname}:${port}`,
    hostHeader: url.host,
  };
}
