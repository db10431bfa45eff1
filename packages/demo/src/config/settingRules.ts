import type { PurgeProxySetting } from './DemoSettings.js';

/** Each check returns the value it accepts, or a `problem` saying what is wrong and what to give. */
export type Checked<T> = { readonly value: T } | { readonly problem: string };

export function checkPort(raw: unknown): Checked<number> {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  const port = text !== undefined && /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535)
    return { problem: 'is not a port; give a whole number from 1 to 65535 (0 picks a free one).' };
  return { value: port };
}

export function checkHost(raw: unknown): Checked<string> {
  if (typeof raw !== 'string' || !/^[A-Za-z0-9.:[\]-]+$/.test(raw.trim()))
    return { problem: 'is not an address to listen on; give an IP address or a host name, such as 127.0.0.1.' };
  return { value: raw.trim() };
}

export function checkPath(raw: unknown): Checked<string> {
  if (typeof raw !== 'string' || raw.trim() === '' || raw.includes('\0'))
    return { problem: 'is not a folder path; give an absolute path or one relative to the current folder.' };
  return { value: raw.trim() };
}

export function checkEditorToken(raw: unknown): Checked<string> {
  if (typeof raw !== 'string' || raw.length < 16 || /\s/.test(raw))
    return { problem: 'is not a usable editor token; give at least 16 characters without spaces.' };
  return { value: raw };
}

export function checkAdminToken(raw: unknown): Checked<string> {
  if (typeof raw !== 'string' || raw.length < 16 || /\s/.test(raw))
    return { problem: 'is not a usable admin token; give at least 16 characters without spaces.' };
  return { value: raw };
}

export function checkRedisUrl(raw: unknown): Checked<string> {
  let url: URL | undefined;
  try {
    url = typeof raw === 'string' ? new URL(raw.trim()) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '')
    return {
      problem: 'is not a Redis URL; give redis://host:port (or rediss:// for TLS), such as redis://127.0.0.1:6379.',
    };
  return { value: url.href };
}

export function checkPublicUrl(raw: unknown): Checked<string> {
  let url: URL | undefined;
  try {
    url = typeof raw === 'string' ? new URL(raw.trim()) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
    return {
      problem:
        "is not the site's public address; give an http:// or https:// URL, such as https://gallery.example.com.",
    };
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '')
    return { problem: 'must be an origin only (scheme, host and port), without a path, query or credentials.' };
  return { value: url.origin };
}

/**
 * `http://127.0.0.1:6081` (Varnish), or `nginx=http://127.0.0.1:8080/purge` for nginx with
 * ngx_cache_purge's purge location; several separated by commas (a string) or as a list (a file).
 */
export function checkProxies(raw: unknown): Checked<readonly PurgeProxySetting[]> {
  const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
  if (items === undefined) return { problem: 'is not a list of proxy URLs; give URLs separated by commas.' };
  const proxies: PurgeProxySetting[] = [];
  for (const item of items) {
    if (typeof item !== 'string')
      return { problem: 'holds something that is not a URL; give URLs separated by commas.' };
    const text = item.trim();
    if (text === '') continue;
    const kind = text.startsWith('nginx=') ? 'nginx' : 'varnish';
    const address = kind === 'nginx' ? text.slice('nginx='.length) : text.replace(/^varnish=/, '');
    let url: URL | undefined;
    try {
      url = new URL(address);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
      return {
        problem:
          `holds ${JSON.stringify(text)}, which is not a proxy URL; give http://host:port for Varnish` +
          ' or nginx=http://host:port/purge for nginx.',
      };
    proxies.push({ url: address, kind });
  }
  return { value: proxies };
}

/** `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`). */
export function checkSwitch(raw: unknown): Checked<boolean> {
  if (typeof raw === 'boolean') return { value: raw };
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : typeof raw === 'number' ? String(raw) : '';
  if (['true', '1', 'yes', 'on'].includes(text)) return { value: true };
  if (['false', '0', 'no', 'off'].includes(text)) return { value: false };
  return { problem: 'is not a switch; give true or false.' };
}

/** A wait in milliseconds, from 1 to 60 000. */
export function checkMilliseconds(raw: unknown): Checked<number> {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  const ms = text !== undefined && /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(ms) || ms < 1 || ms > 60_000)
    return { problem: 'is not a wait in milliseconds; give a whole number from 1 to 60000.' };
  return { value: ms };
}

/** Seed nodes of a Redis Cluster: redis:// URLs separated by commas (a string) or as a list (a file). */
export function checkRedisNodes(raw: unknown): Checked<readonly string[]> {
  const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
  if (items === undefined)
    return { problem: 'is not a list of Redis URLs; give redis://host:port URLs separated by commas.' };
  const nodes: string[] = [];
  for (const item of items) {
    if (typeof item === 'string' && item.trim() === '') continue;
    const checked = checkRedisUrl(item);
    if ('problem' in checked)
      return {
        problem: `holds ${JSON.stringify(item)}, which is not a Redis URL; give redis://host:port URLs separated by commas.`,
      };
    nodes.push(checked.value);
  }
  if (nodes.length === 0) return { problem: 'names no node; give at least one redis://host:port.' };
  return { value: nodes };
}
