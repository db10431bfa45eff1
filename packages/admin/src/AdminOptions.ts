import { CachesetError, type CachesetLogger } from '@cacheset/core';
import { OptionReader } from '@cacheset/core/internal';
import type {
  AdminCaching,
  AdminDiskCache,
  AdminPolicyFile,
  AdminPurger,
  AdminRamCache,
  ExplainUser,
} from './AdminSources.js';
import type { LoginBackoff } from './auth/LoginThrottle.js';
import { MIN_TOKEN_LENGTH } from './auth/adminToken.js';
import { AdminErrorCodes } from './errors/adminErrorCodes.js';

export interface AdminOptions {
  /** The HTTP-header cache manager (`createHttpCaching` of @cacheset/http). */
  readonly caching: AdminCaching;
  /** The admin token (at least 16 characters): `adminToken(dataDir, process.env.CACHESET_ADMIN_TOKEN)`. */
  readonly token: string;
  /** Where the admin answers. Default `/_cacheset/`. */
  readonly mountPath?: string;
  /** The RAM cache (`RamCacheManager` of @cacheset/ram), when the application has one. */
  readonly ram?: AdminRamCache;
  /** The proxy purger (`createPurger` of @cacheset/purge), when the application has one. */
  readonly purger?: AdminPurger;
  /** The disk dump (`FsCache` of @cacheset/fs), when the application has one. */
  readonly disk?: AdminDiskCache;
  /** The policy file the application loaded: the policy screen saves edits to it. Without it, editing is off. */
  readonly policyFile?: string | AdminPolicyFile;
  /** Users the explain screen can explain a URL as (a logged-in editor), by name. */
  readonly users?: Readonly<Record<string, ExplainUser>>;
  /**
   * Where explained requests are sent (`http://127.0.0.1:3000`). Default: the address and port the
   * admin's own request arrived on, which is the application when the admin is mounted in it.
   */
  readonly appOrigin?: string;
  readonly loginBackoff?: LoginBackoff;
  /** The RAM hit-ratio chart: one sample every `intervalMs` (default 10 000), the last `samples` (default 30). */
  readonly hitRatio?: { readonly intervalMs?: number; readonly samples?: number };
  /** The name in the pages' titles. Default 'cacheset'. */
  readonly title?: string;
  readonly logger?: CachesetLogger;
}

export interface ResolvedAdminOptions {
  readonly caching: AdminCaching;
  readonly token: string;
  /** Starts and ends with `/`. */
  readonly mountPath: string;
  readonly ram: AdminRamCache | undefined;
  readonly purger: AdminPurger | undefined;
  readonly disk: AdminDiskCache | undefined;
  readonly policyFile: AdminPolicyFile | undefined;
  readonly users: Readonly<Record<string, ExplainUser>>;
  readonly appOrigin: URL | undefined;
  readonly loginBackoff: Required<LoginBackoff>;
  readonly hitRatio: { readonly intervalMs: number; readonly samples: number };
  readonly title: string;
  readonly logger: CachesetLogger | undefined;
}

const KEYS = [
  'caching',
  'token',
  'mountPath',
  'ram',
  'purger',
  'disk',
  'policyFile',
  'users',
  'appOrigin',
  'loginBackoff',
  'hitRatio',
  'title',
  'logger',
];

const read: OptionReader = new OptionReader(
  (message, value) => new CachesetError(AdminErrorCodes.INVALID_OPTIONS, message, { details: { value } }),
  'createAdmin: ',
);

function hasMethods(path: string, value: unknown, methods: readonly string[], expected: string): void {
  if (value === undefined) return;
  const record = value as Record<string, unknown> | null;
  if (typeof record !== 'object' || record === null || methods.some((m) => typeof record[m] !== 'function'))
    read.invalid(path, `must be ${expected} (with ${methods.join(', ')})`, value);
}

function mountPathOf(value: unknown): string {
  const path = read.text('mountPath', value, '/_cacheset/', /^\/(?:[A-Za-z0-9._~-]+\/)*$/, "a path like '/_cacheset/'");
  if (path === '/') read.invalid('mountPath', "must not be '/': the admin needs a path of its own", path);
  return path;
}

function usersOf(value: unknown): Readonly<Record<string, ExplainUser>> {
  if (value === undefined) return {};
  const users = read.record('users', value, 'an object { name: { headers: () => ({ ... }) } }');
  for (const [name, user] of Object.entries(users)) {
    const u = read.record(`users.${name}`, user, '{ title?, headers: () => ({ ... }) }');
    read.keys(`users.${name}`, u, ['title', 'headers']);
    if (typeof u.headers !== 'function') read.invalid(`users.${name}.headers`, 'must be a function', u.headers);
  }
  return users as Readonly<Record<string, ExplainUser>>;
}

function originOf(value: unknown): URL | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:') read.invalid('appOrigin', "must be an http URL like 'http://127.0.0.1:3000'", value);
  return url;
}

/** Reads `createAdmin`'s options with the kit every cacheset package uses: a mistake fails at start. */
export function resolveAdminOptions(options: AdminOptions): ResolvedAdminOptions {
  read.record('options', options, 'an object { caching, token, ... }');
  read.keys('', options, KEYS);
  hasMethods('caching', options.caching, ['prepareExplain', 'setPolicy'], 'the HTTP cache manager (createHttpCaching)');
  if (options.caching === undefined) read.invalid('caching', 'is required (the HTTP cache manager)');
  if (typeof options.token !== 'string' || options.token.length < MIN_TOKEN_LENGTH || /\s/.test(options.token))
    read.invalid(
      'token',
      `must be a string of at least ${MIN_TOKEN_LENGTH} characters without spaces (adminToken(dataDir) makes one)`,
      typeof options.token === 'string' ? `${options.token.length} characters` : options.token,
    );
  hasMethods('ram', options.ram, ['statistics', 'report', 'invalidateAll', 'invalidatePages'], 'a RamCacheManager');
  hasMethods('purger', options.purger, ['statistics', 'history', 'purgeNow'], 'a Purger');
  hasMethods('disk', options.disk, ['stats', 'purge'], 'an FsCache');
  const file = options.policyFile;
  let policyFile: AdminPolicyFile | undefined;
  if (typeof file === 'string') policyFile = { path: file };
  else if (file !== undefined) {
    const f = read.record('policyFile', file, 'a path, or { path, components }');
    read.keys('policyFile', f, ['path', 'components']);
    if (typeof f.path !== 'string' || f.path === '') read.invalid('policyFile.path', 'must be a file path', f.path);
    policyFile = file;
  }
  const backoff = options.loginBackoff ?? {};
  read.keys('loginBackoff', read.record('loginBackoff', backoff, '{ firstMs, maxMs }'), ['firstMs', 'maxMs']);
  const firstMs = read.integer('loginBackoff.firstMs', backoff.firstMs, 500, { min: 1, max: 60_000 });
  const maxMs = read.integer('loginBackoff.maxMs', backoff.maxMs, 30_000, { min: firstMs, max: 600_000 });
  const ratio = options.hitRatio ?? {};
  read.keys('hitRatio', read.record('hitRatio', ratio, '{ intervalMs, samples }'), ['intervalMs', 'samples']);
  return {
    caching: options.caching,
    token: options.token,
    mountPath: mountPathOf(options.mountPath),
    ram: options.ram,
    purger: options.purger,
    disk: options.disk,
    policyFile,
    users: usersOf(options.users),
    appOrigin: originOf(options.appOrigin),
    loginBackoff: { firstMs, maxMs },
    hitRatio: {
      intervalMs: read.integer('hitRatio.intervalMs', ratio.intervalMs, 10_000, { min: 100, max: 3_600_000 }),
      samples: read.integer('hitRatio.samples', ratio.samples, 30, { min: 2, max: 1000 }),
    },
    title: read.text('title', options.title, 'cacheset', /^[^<>&\n]{1,60}$/, 'a short name without <, > or &'),
    logger: read.logger('logger', options.logger),
  };
}
