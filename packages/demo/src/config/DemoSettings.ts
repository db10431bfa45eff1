/** A proxy the site purges: Varnish (PURGE and xkey tags) or nginx with ngx_cache_purge (path purges). */
export interface PurgeProxySetting {
  readonly url: string;
  readonly kind: 'varnish' | 'nginx';
}

/** Everything the site can be told, after validation. See the settings table in the package README. */
export interface DemoSettings {
  readonly port: number;
  readonly host: string;
  /** Where the SQLite file, the editor token and (by default) the disk dump live. */
  readonly dataDir: string;
  /** `DEMO_EDITOR_TOKEN`; without it a token is generated on first start and kept in the data folder. */
  readonly editorToken: string | undefined;
  /** `CACHESET_ADMIN_TOKEN`, for the control panel at `/_cacheset/`; without it one is generated like the editor's. */
  readonly adminToken: string | undefined;
  /** The shared RAM tier; without it the RAM cache is in this process only. */
  readonly redisUrl: string | undefined;
  /** `REDIS_CLUSTER_NODES`: the shared RAM tier on a Redis Cluster, by its seed nodes (instead of `redisUrl`). */
  readonly redisClusterNodes: readonly string[] | undefined;
  readonly purgeProxies: readonly PurgeProxySetting[];
  /** `PURGE_SYNC`: an edit's response waits until every proxy has the purge (at most `purgeSyncTimeoutMs`). */
  readonly purgeSync: boolean;
  /** `PURGE_SYNC_TIMEOUT_MS`: the longest an edit's response waits for the proxies. Default 2 000. */
  readonly purgeSyncTimeoutMs: number;
  /** The document root nginx serves the dump from. Default `<dataDir>/dump`. */
  readonly dumpRoot: string;
  /**
   * The address visitors use: the feed's absolute URLs, and the Host of purges sent to proxies.
   * Undefined: the address the site listens on (and each proxy's own address for purges).
   */
  readonly publicUrl: string | undefined;
}
