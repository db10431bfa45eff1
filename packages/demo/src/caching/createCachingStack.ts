import {
  catalogCounterOf,
  loadConfigFile,
  OperationRegistry,
  RulesetRegistry,
  type CachesetLogger,
  type EventBus,
} from '@cacheset/core';
import { createFsCacheOperation, FsCache, subscribePurges } from '@cacheset/fs';
import { createHttpCaching, registerHttpOperations, type HttpCaching, type UserResolver } from '@cacheset/http';
import { createPurger, type Purger } from '@cacheset/purge';
import { RamCacheManager } from '@cacheset/ram';
import type { Container } from 'inversify';
import type { DemoSettings } from '../config/DemoSettings.js';
import { galleryContentModule } from './contentAdapters.js';
import { DUMP_CONTENT_TYPES } from './dumpContentTypes.js';
import { POLICY_FILE } from './policyFile.js';

export interface CachingStackOptions {
  readonly settings: DemoSettings;
  readonly container: Container;
  readonly bus: EventBus;
  /** Who is asking, for the HTTP cache manager: the editor's responses are never shared. */
  readonly user: UserResolver;
  readonly logger: CachesetLogger;
  /** Changes with every deployment of the site (the stylesheet's version). */
  readonly resourceVersion: string;
  /** The policy file to load (the control panel edits it). Default: the one the gallery ships. */
  readonly policyFile?: string;
}

/** Every cache layer of the site, each listening to the same bus. */
export interface CachingStack {
  readonly caching: HttpCaching;
  readonly rulesets: RulesetRegistry;
  /** The RAM cache of whole responses (with a Redis tier when `REDIS_URL` is set). */
  readonly ram: RamCacheManager;
  /** The disk dump nginx serves before the application. */
  readonly dump: FsCache;
  /** Purges Varnish and nginx proxies; only when `PURGE_PROXIES` names some. */
  readonly purger: Purger | undefined;
  close(): Promise<void>;
}

/**
 * Builds the site's caching from the policy file and the settings: the content adapters and ETag
 * components in the container, the RAM cache, the disk dump, the purger, and the HTTP cache manager
 * that runs the policy. Nothing here knows about images or pages beyond the container module.
 */
export async function createCachingStack(options: CachingStackOptions): Promise<CachingStack> {
  const { settings, container, bus, logger } = options;
  // #region bindings
  container.load(galleryContentModule);
  // #endregion bindings

  const ram = new RamCacheManager({
    container,
    bus,
    logger,
    maxBytes: '64MB',
    ...(settings.redisUrl === undefined ? {} : { redis: { url: settings.redisUrl, prefix: 'cacheset:gallery:' } }),
    ...(settings.redisClusterNodes === undefined
      ? {}
      : { redis: { nodes: settings.redisClusterNodes, prefix: 'cacheset:gallery:' } }),
  });
  const dump = await FsCache.open({ root: settings.dumpRoot, contentTypes: DUMP_CONTENT_TYPES, logger });
  subscribePurges(dump, { container, bus });
  // Several processes writing one dump (npm run stack -- --apps 3): the dump's purge generations live
  // in each process, so each must hear the others' purges too, or a page it rendered just before
  // another process's edit would be written back after that edit deleted it.
  const stopFollowing = ram.onRemoteInvalidation((invalidation) => {
    if (invalidation.all) void dump.clear();
    else void dump.purge([...invalidation.pages, ...invalidation.paths]);
  });
  const purger =
    settings.purgeProxies.length === 0
      ? undefined
      : createPurger({
          proxies: settings.purgeProxies.map((proxy) =>
            proxy.kind === 'nginx' ? { url: proxy.url, kind: 'nginx', purgeMethod: 'GET' } : { url: proxy.url },
          ),
          container,
          bus,
          logger,
          synchronous: settings.purgeSync,
          synchronousTimeoutMs: settings.purgeSyncTimeoutMs,
          ...(settings.publicUrl === undefined ? {} : { domains: [settings.publicUrl] }),
        });

  // #region policy
  const operations = registerHttpOperations(new OperationRegistry());
  operations.register(createFsCacheOperation(dump));
  const rulesets = new RulesetRegistry();
  const { policy } = await loadConfigFile(options.policyFile ?? POLICY_FILE, { operations, registry: rulesets });
  const caching = createHttpCaching({
    policy,
    rulesets,
    operations,
    container,
    user: options.user,
    responseCache: ram,
    behindProxy: purger !== undefined,
    resourceVersion: options.resourceVersion,
    // The front page and the feed list every image: their ETags include this count of content events
    // on the site's bus (shared by every process through the Redis tier when there is one).
    catalogCounter: catalogCounterOf(bus),
    logger,
  });
  // Explicit mode: createHttpCaching has verified that every @cacheRuleset name of the views is declared
  // in the policy file, and stopped start-up naming the class otherwise.
  // #endregion policy

  return {
    caching,
    rulesets,
    ram,
    dump,
    purger,
    async close() {
      await purger?.close();
      stopFollowing();
      await ram.close();
      await dump.close();
    },
  };
}
