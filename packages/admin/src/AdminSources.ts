import type { CachePolicy, CachingEngine, ExplainReport, Spec } from '@cacheset/core';
import type { ProxyPurgeStats } from './api/AdminApiTypes.js';

/**
 * What the admin needs of each layer, written as the shapes it uses so that the admin depends on
 * @cacheset/core alone: `HttpCaching` of @cacheset/http, `RamCacheManager` of @cacheset/ram, `Purger`
 * of @cacheset/purge and `FsCache` of @cacheset/fs each fit the interface of their layer.
 */

/** An explanation waiting for its request (`caching.prepareExplain()` of @cacheset/http). */
export interface AdminPreparedExplain {
  readonly headers: Readonly<Record<string, string>>;
  readonly report: Promise<ExplainReport>;
  cancel(): void;
}

/** The HTTP-header cache manager (`createHttpCaching` of @cacheset/http). */
export interface AdminCaching {
  readonly engine: CachingEngine;
  prepareExplain(): AdminPreparedExplain;
  /** Validates the compiled policy against the application (ETag components) and swaps it in. */
  setPolicy(policy: CachePolicy): void;
}

/** The RAM cache (`RamCacheManager` of @cacheset/ram). */
export interface AdminRamCache {
  statistics(): {
    readonly hits: number;
    readonly misses: number;
    readonly entries: number;
    readonly bytes: number;
    readonly maxBytes: number;
    readonly redis:
      { readonly state: string; readonly errors: number; readonly lastError: string | undefined } | undefined;
  };
  report(): readonly {
    readonly path: string;
    readonly hits: number;
    readonly misses: number;
    readonly entries: number;
    readonly bytes: number;
  }[];
  invalidateAll(): number;
  /** Each page alone (one object of the statistics table, a purged path). */
  invalidatePages(paths: Iterable<string>): number;
  invalidateTags(tags: Iterable<string>): number;
}

/** One finished purge request (`PurgeRecord` of @cacheset/purge). */
export interface AdminPurgeRecord {
  readonly proxy: string;
  readonly type: 'path' | 'tags' | 'ban';
  readonly target: string;
  readonly outcome: 'succeeded' | 'failed' | 'dropped' | 'unsupported';
  readonly status: number | undefined;
  readonly attempts: number;
  readonly finishedAt: number;
  readonly detail: string;
}

/** The proxy purger (`Purger` of @cacheset/purge). */
export interface AdminPurger {
  statistics(): {
    readonly enabled: boolean;
    // The API's per-proxy counters, and what the Overview's health line reads besides them.
    readonly proxies: readonly (ProxyPurgeStats & {
      readonly lastFailureAt: number | undefined;
      readonly lastSuccessAt: number | undefined;
    })[];
  };
  history(): readonly AdminPurgeRecord[];
  purgeNow(purge: { readonly paths?: readonly string[]; readonly tags?: readonly string[] }): Promise<{
    readonly ok: boolean;
    readonly records: readonly AdminPurgeRecord[];
  }>;
}

/** The disk dump (`FsCache` of @cacheset/fs). */
export interface AdminDiskCache {
  readonly root: string;
  stats(): {
    readonly files: number;
    readonly bytes: number;
    readonly refused: Readonly<Partial<Record<string, number>>>;
  };
  purge(paths: Iterable<string>): Promise<number>;
}

/** A user the explain screen can explain a URL as: the request headers that log them in. */
export interface ExplainUser {
  /** What the screen shows (default: the name). */
  readonly title?: string;
  /** Headers added to the explained request (a session cookie, `Authorization: Bearer …`). */
  readonly headers: () => Readonly<Record<string, string>>;
}

/** The policy file the admin edits, and what it needs to validate an edit like the application's start did. */
export interface AdminPolicyFile {
  /** The file (`.yaml`, `.yml` or `.json`) the application loaded its policy from. */
  readonly path: string;
  /** The classes and tokens its `rulesets[].for` may name (as given to `loadConfigFile`). */
  readonly components?: Readonly<Record<string, Spec>>;
}
