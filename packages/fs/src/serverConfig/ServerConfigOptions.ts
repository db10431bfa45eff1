import { isAbsolute } from 'node:path';
import { describeValue } from '@cacheset/core';
import type { ContentTypeEntry } from '../contentTypes/ContentTypeEntry.js';
import { ContentTypeTable } from '../contentTypes/ContentTypeTable.js';
import { FsErrorCodes, fsError } from '../errors/fsErrorCodes.js';
import type { FsCache } from '../store/FsCache.js';
import { OptionReader } from '@cacheset/core/internal';

/** What the nginx and Apache configuration generators need to know. */
export interface ServerConfigOptions {
  /** The document root (absolute), the same as `FsCache`'s `root`. */
  readonly root: string;
  /** Where the application listens: `http://127.0.0.1:3000`, `127.0.0.1:3000` or `unix:/run/app.sock`. */
  readonly app: string;
  /** nginx `listen`: a port, or `address:port`. Default 80. */
  readonly listen?: string | number;
  /** nginx `server_name` / Apache `ServerName`. Default `_` (any) for nginx, none for Apache. */
  readonly serverName?: string;
  /** The cache's content types, in try order. Default `DEFAULT_CONTENT_TYPES`. */
  readonly contentTypes?: readonly ContentTypeEntry[];
  /** The cache's directory index name. Default `index`. */
  readonly indexName?: string;
  /** Look up kept query variants (the operation's `queryParameters`); otherwise any query goes to the app. Default false. */
  readonly queryVariants?: boolean;
  /** Cookies that mark a logged-in visitor: such requests always go to the app. */
  readonly bypassCookies?: readonly string[];
  /** The Cache-Control sent with static copies (the cache's `cacheControl`). Default `no-cache`. */
  readonly cacheControl?: string;
  /** `gzip_static on` (the cache writes `.gz` siblings). Default false. */
  readonly gzip?: boolean;
  /** `brotli_static on`: needs the ngx_brotli module, which Debian's nginx lacks. Default false. */
  readonly brotli?: boolean;
  /** Prefix of the generated nginx variables, upstream and named location. Default `cacheset`. */
  readonly name?: string;
  /**
   * nginx `disable_symlinks on`: never serve through a symbolic link inside the root. The cache never
   * writes through one whatever this says; this guards serving against links planted by somebody
   * else who can write to the root, at the price of six more system calls per hit. Default false.
   */
  readonly disableSymlinks?: boolean;
}

/** The application's address, parsed. */
export type AppAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

export interface ResolvedServerConfig {
  readonly root: string;
  readonly app: AppAddress;
  readonly listen: string;
  readonly serverName: string | undefined;
  readonly table: ContentTypeTable;
  readonly indexName: string;
  readonly queryVariants: boolean;
  readonly bypassCookies: readonly string[];
  readonly cacheControl: string;
  readonly gzip: boolean;
  readonly brotli: boolean;
  readonly name: string;
  readonly disableSymlinks: boolean;
}

/** Characters that cannot appear inside a quoted nginx or Apache string without escaping or interpolation. */
const UNQUOTABLE = /["\\$\x00-\x1f\x7f]/;
const HOST =
  /^(?:\[[0-9A-Fa-f:.]+\]|[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)$/;
const SERVER_NAME = /^[A-Za-z0-9.*_-]+(?: [A-Za-z0-9.*_-]+)*$/;
const COOKIE = /^[A-Za-z0-9_.-]{1,64}$/;
const NAME = /^[a-z][a-z0-9_]{0,31}$/;
const INDEX_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

function invalid(message: string, value: unknown): never {
  throw fsError(FsErrorCodes.INVALID_SERVER_CONFIG, message, value);
}

function port(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n < 1 || n > 65_535)
    invalid(`${what}: ${JSON.stringify(text)} is not a port from 1 to 65535.`, text);
  return n;
}

/** Parses `http://host:port`, `host:port` or `unix:/path`. */
export function parseAppAddress(value: unknown): AppAddress {
  if (typeof value !== 'string' || value.trim() === '')
    invalid(
      `app must be the application's address (http://127.0.0.1:3000, 127.0.0.1:3000 or unix:/run/app.sock), got ${describeValue(value)}.`,
      value,
    );
  const text = value.trim();
  if (text.startsWith('unix:')) {
    const path = text.slice(5);
    if (!isAbsolute(path) || UNQUOTABLE.test(path) || /[\s;{}]/.test(path))
      invalid(
        `app: ${JSON.stringify(text)} must be unix: followed by an absolute socket path without quotes, spaces, ';', braces or '$'.`,
        value,
      );
    return { kind: 'unix', path };
  }
  let hostPort = text;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      invalid(`app: ${JSON.stringify(text)} is not a URL.`, value);
    }
    if (url.protocol !== 'http:')
      invalid(
        `app: only http:// applications are supported (nginx talks plain HTTP to the app), got ${JSON.stringify(text)}.`,
        value,
      );
    if (
      url.username !== '' ||
      url.password !== '' ||
      (url.pathname !== '/' && url.pathname !== '') ||
      url.search !== '' ||
      url.hash !== ''
    ) {
      invalid(
        `app: give only scheme, host and port (no credentials, path or query), got ${JSON.stringify(text)}.`,
        value,
      );
    }
    hostPort = url.port === '' ? `${url.hostname}:80` : `${url.hostname}:${url.port}`;
  }
  const colon = hostPort.lastIndexOf(':');
  if (colon <= 0) invalid(`app: ${JSON.stringify(text)} needs a port (127.0.0.1:3000).`, value);
  const host = hostPort.slice(0, colon);
  if (!HOST.test(host)) invalid(`app: ${JSON.stringify(host)} is not a host name or IP address.`, value);
  return { kind: 'tcp', host, port: port(hostPort.slice(colon + 1), 'app') };
}

function listenOf(value: unknown): string {
  if (value === undefined) return '80';
  if (typeof value === 'number') return String(port(String(value), 'listen'));
  if (typeof value !== 'string') invalid(`listen must be a port or address:port, got ${describeValue(value)}.`, value);
  const colon = value.lastIndexOf(':');
  if (colon < 0) return String(port(value, 'listen'));
  const host = value.slice(0, colon);
  if (!HOST.test(host)) invalid(`listen: ${JSON.stringify(host)} is not an address.`, value);
  return `${host}:${port(value.slice(colon + 1), 'listen')}`;
}

const KNOWN = [
  'root',
  'app',
  'listen',
  'serverName',
  'contentTypes',
  'indexName',
  'queryVariants',
  'bypassCookies',
  'cacheControl',
  'gzip',
  'brotli',
  'name',
  'disableSymlinks',
] satisfies readonly (keyof ServerConfigOptions)[];

// Typed explicitly: a method returning never narrows control flow only through an annotated reference.
const read: OptionReader = new OptionReader((message, value) =>
  fsError(FsErrorCodes.INVALID_SERVER_CONFIG, message, value),
);

/** Validates the generator options; every problem is `ERR_CACHESET_FS_INVALID_SERVER_CONFIG` naming the option. */
export function resolveServerConfig(options: ServerConfigOptions): ResolvedServerConfig {
  read.record('options', options, 'an object { root, app, ... }');
  read.keys('', options, KNOWN);
  const { root } = options;
  if (typeof root !== 'string' || !isAbsolute(root) || UNQUOTABLE.test(root))
    read.invalid('root', "must be an absolute path without quotes, backslashes, '$' or control characters", root);
  const serverName =
    options.serverName === undefined
      ? undefined
      : read.text('serverName', options.serverName, '', SERVER_NAME, 'host names separated by spaces');
  const indexName = read.text('indexName', options.indexName, 'index', INDEX_NAME, "letters, digits, '_' and '-'");
  const cookies = options.bypassCookies ?? [];
  if (!Array.isArray(cookies) || cookies.some((c) => typeof c !== 'string' || !COOKIE.test(c)))
    read.invalid('bypassCookies', "must be cookie names of letters, digits, '_', '.' and '-'", cookies);
  const cacheControl = options.cacheControl ?? 'no-cache';
  if (typeof cacheControl !== 'string' || cacheControl.trim() === '' || UNQUOTABLE.test(cacheControl))
    read.invalid('cacheControl', "must be a Cache-Control value without quotes, backslashes or '$'", cacheControl);
  const name = read.text(
    'name',
    options.name,
    'cacheset',
    NAME,
    "lower-case letters, digits and '_' (a prefix for nginx variables)",
  );
  const queryVariants = read.flag('queryVariants', options.queryVariants, false);
  const gzip = read.flag('gzip', options.gzip, false);
  const brotli = read.flag('brotli', options.brotli, false);
  const disableSymlinks = read.flag('disableSymlinks', options.disableSymlinks, false);
  let table: ContentTypeTable;
  try {
    table = new ContentTypeTable(options.contentTypes);
  } catch (error) {
    read.fail(error instanceof Error ? error.message : String(error), options.contentTypes);
  }
  return {
    root: root.length > 1 ? root.replace(/\/+$/, '') : root,
    app: parseAppAddress(options.app),
    listen: listenOf(options.listen),
    serverName,
    table,
    indexName,
    queryVariants,
    bypassCookies: [...cookies],
    cacheControl: cacheControl.trim(),
    gzip,
    brotli,
    name,
    disableSymlinks,
  };
}

/** The generator options that must agree with a cache: its root, types, index name, siblings and Cache-Control. */
export function serverConfigOf(cache: FsCache): Pick<
  ServerConfigOptions,
  'root' | 'contentTypes' | 'indexName' | 'gzip' | 'brotli'
> & {
  readonly cacheControl?: string;
} {
  const o = cache.options;
  return {
    root: cache.root,
    contentTypes: o.table.entries,
    indexName: o.rules.indexName,
    gzip: o.siblings.gzip,
    brotli: o.siblings.brotli,
    ...(cache.cacheControl === undefined ? {} : { cacheControl: cache.cacheControl }),
  };
}

/** Escapes a literal for a PCRE pattern (cookie names). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}
