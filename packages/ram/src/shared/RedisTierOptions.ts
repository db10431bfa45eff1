import type { RedisOptions } from 'ioredis';

/**
 * The shared tier: a Redis 7 server (standalone, or behind Sentinel through `client`) that every
 * process of a site uses as its second-level cache and as the bus that carries invalidations.
 */
export interface RedisTierOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`. Default `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /**
   * The seed nodes of a Redis Cluster (`redis://host:port` each; a few are enough, the rest are
   * discovered), instead of `url`. Every key of the site then carries the hash tag `{prefix}`, so the
   * entries and the invalidation records that the scripts read together live in one slot (on one
   * master and its replicas: a cluster gives cacheset failover, not sharding of one site's keys).
   */
  readonly nodes?: readonly string[];
  /** Further ioredis options (TLS, Sentinel, password...). The tier's own failure settings override the ones it needs. */
  readonly client?: RedisOptions;
  /** Prefix of every key and of the invalidation channel: one per site sharing a Redis. Default `'cacheset:'`. */
  readonly prefix?: string;
  /** A command slower than this counts as failed: the request renders instead of waiting. Default 250 ms. */
  readonly commandTimeoutMs?: number;
  /** Connection attempts give up after this long (and retry). Default 2 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Reconnect delay: doubles from `min` to `max`. Default `{ min: 100, max: 2000 }` ms. */
  readonly reconnectDelayMs?: { readonly min?: number; readonly max?: number };
  /**
   * Subtree, page and tag invalidation records kept in Redis; older ones are folded into one
   * "everything before" mark. Default 10 000.
   */
  readonly maxInvalidationRecords?: number;
  /** Invalidations queued while Redis is away; more are folded into one "invalidate everything". Default 1 000. */
  readonly maxPendingInvalidations?: number;
}
