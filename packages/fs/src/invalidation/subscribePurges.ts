import {
  AdapterLookup,
  describeValue,
  getDefaultBus,
  Purge,
  resolvePurgePaths,
  trackWork,
  type EventBus,
} from '@cacheset/core';
import type { Container } from 'inversify';
import { FsErrorCodes, fsError } from '../errors/fsErrorCodes.js';
import type { FsCache } from '../store/FsCache.js';

export interface PurgeSubscriptionOptions {
  /** The application's container, where `IPurgePaths` adapters are bound (or give `adapters`). */
  readonly container?: Container;
  /** An adapter lookup over the application's container. */
  readonly adapters?: AdapterLookup;
  /** The bus to listen on. Default: the process-wide default bus (`getDefaultBus()`). */
  readonly bus?: EventBus;
}

/**
 * Deletes the files of every purged object: on each `Purge`, all relative paths of the object's
 * `IPurgePaths` adapters (every named adapter, most specific binding per name) are purged from the
 * cache, with their variants (directory index, content types, query variants, compressed siblings).
 * Absolute purge paths are for proxies (full URLs, special purge-all paths) and are not files here.
 * A failing adapter is reported and costs none of the others' paths. Returns the unsubscribe function
 * (also called by `cache.close()`).
 *
 * The deletion is part of the work that fired the `Purge` (`trackWork`): inside a unit of work (an
 * HTTP request, `runInUnitOfWork`) the unit is finished, and the request's response complete, only
 * once the files are gone, so the next request through nginx cannot find the old copy; outside one,
 * `whenWorkSettled()` awaits it.
 */
export function subscribePurges(cache: FsCache, options: PurgeSubscriptionOptions): () => void {
  if (typeof options !== 'object' || options === null) {
    throw fsError(
      FsErrorCodes.INVALID_OPTIONS,
      `subscribePurges: expected { container } or { adapters }, got ${describeValue(options)}.`,
      options,
    );
  }
  if (options.adapters !== undefined && options.container !== undefined) {
    throw fsError(FsErrorCodes.INVALID_OPTIONS, 'subscribePurges: give container or adapters, not both.', options);
  }
  let adapters: AdapterLookup;
  if (options.adapters !== undefined) {
    if (!(options.adapters instanceof AdapterLookup))
      throw fsError(
        FsErrorCodes.INVALID_OPTIONS,
        `subscribePurges: adapters must be an AdapterLookup, got ${describeValue(options.adapters)}.`,
        options.adapters,
      );
    adapters = options.adapters;
  } else if (options.container !== undefined) {
    adapters = new AdapterLookup(options.container);
  } else {
    throw fsError(
      FsErrorCodes.INVALID_OPTIONS,
      'subscribePurges: give the application container (container) or an AdapterLookup (adapters), where IPurgePaths adapters are bound.',
      options,
    );
  }
  const bus = options.bus ?? getDefaultBus();
  if (typeof (bus as { subscribe?: unknown } | null)?.subscribe !== 'function')
    throw fsError(
      FsErrorCodes.INVALID_OPTIONS,
      `subscribePurges: bus must be an EventBus, got ${describeValue(bus)}.`,
      bus,
    );
  const { logger } = cache.options;
  const unsubscribe = bus.subscribe(Purge, function cachesetFsPurge(event) {
    const { relative, errors } = resolvePurgePaths(adapters, event.object);
    for (const error of errors) {
      try {
        logger.error(`cacheset fs: ${error.message}; the other paths of the object were purged.`, { error });
      } catch {
        // a broken logger must not stop the purge
      }
    }
    // Synchronous effect inside purge(): writes in flight for these paths are discarded from now on.
    if (relative.length > 0) trackWork(cache.purge(relative), { label: 'deleting the disk dumps of a purge', logger });
  });
  cache.onClose(unsubscribe);
  return unsubscribe;
}
