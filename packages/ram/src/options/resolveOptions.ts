import { consoleLogger, EventBus, getDefaultBus, type CachesetLogger } from '@cacheset/core';
import type { Container } from 'inversify';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';
import { parseRequestVariables, type RequestVariable } from '../keys/requestVariables.js';
import { resolveRedisOptions, type ResolvedRedisOptions } from '../shared/resolveRedisOptions.js';
import { SLOT_BYTES } from '../serialization/memorySize.js';
import { parseByteSize } from './parseByteSize.js';
import type { RamCacheOptions } from './RamCacheOptions.js';
import { OptionReader } from '@cacheset/core/internal';

export interface ResolvedOptions {
  readonly name: string;
  readonly maxBytes: number;
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  /** Bytes of the budget taken by the LRU's slot tables. */
  readonly reservedBytes: number;
  readonly maxAgeMs: number;
  readonly staleMs: number;
  readonly waitTimeoutMs: number;
  readonly fillTimeoutMs: number;
  readonly abandonedKeyTtlMs: number;
  readonly requestVariables: readonly RequestVariable[];
  readonly container: Container | undefined;
  readonly objectPath: ((object: object) => string | undefined) | undefined;
  readonly bus: EventBus | undefined;
  readonly logger: CachesetLogger;
  readonly redis: ResolvedRedisOptions | undefined;
  readonly statsWindowMs: number;
  readonly maxStatsRows: number;
  readonly now: () => number;
}

const KNOWN = [
  'name',
  'maxBytes',
  'maxEntries',
  'maxEntryBytes',
  'maxAge',
  'staleWhileRevalidate',
  'waitTimeoutMs',
  'fillTimeoutMs',
  'abandonedKeyTtlMs',
  'requestVariables',
  'container',
  'objectPath',
  'bus',
  'logger',
  'redis',
  'statsWindow',
  'maxStatsRows',
  'now',
] satisfies readonly (keyof RamCacheOptions)[];

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
/** lru-cache sizes its arrays by the entry limit; past this a cache should be several caches. */
const MAX_ENTRIES_LIMIT = 16_777_216;

// Typed explicitly: a method returning never narrows control flow only through an annotated reference.
const read: OptionReader = new OptionReader((message, value, cause) =>
  ramError(RamErrorCodes.INVALID_OPTIONS, message, value, cause),
);

const durationMs = (option: string, value: unknown, fallbackSeconds: number): number =>
  read.duration(option, value, fallbackSeconds) * 1000;

/**
 * Validates every option at construction: a typo or a wrong unit is an error naming the option now,
 * not a cache that silently does something else in production.
 */
export function resolveOptions(options: RamCacheOptions): ResolvedOptions {
  read.record('RamCacheManager: options', options, 'an options object');
  read.keys('RamCacheManager', options, KNOWN);
  const name = read.text(
    'name',
    options.name,
    'default',
    NAME,
    'a name of letters, digits, _ . - (at most 64, starting with a letter)',
  );
  const maxBytes = options.maxBytes === undefined ? 64 * 1024 * 1024 : parseByteSize(options.maxBytes, 'maxBytes');
  // By default one slot per KiB of budget (capped): the slot tables are reserved out of the budget.
  const maxEntries = read.integer(
    'maxEntries',
    options.maxEntries,
    Math.min(100_000, Math.max(16, Math.floor(maxBytes / 1024))),
    { min: 1, max: MAX_ENTRIES_LIMIT },
  );
  const reservedBytes = maxEntries * SLOT_BYTES;
  const entryBudget = maxBytes - reservedBytes;
  const maxEntryBytes =
    options.maxEntryBytes === undefined
      ? Math.max(1, Math.floor(entryBudget / 16))
      : parseByteSize(options.maxEntryBytes, 'maxEntryBytes');
  if (entryBudget < 1024) {
    read.invalid(
      'maxBytes',
      `leaves no room for entries: ${maxEntries} entry slots take ${reservedBytes} bytes of it; raise maxBytes or lower maxEntries`,
      options.maxBytes,
    );
  }
  if (maxEntryBytes > entryBudget)
    read.invalid(
      'maxEntryBytes',
      `must not exceed the budget left for entries (${entryBudget} of maxBytes ${maxBytes} after ${maxEntries} slots)`,
      options.maxEntryBytes,
    );
  const maxAgeMs = durationMs('maxAge', options.maxAge, 3600);
  const staleMs = durationMs('staleWhileRevalidate', options.staleWhileRevalidate, 0);
  if (staleMs > 0 && maxAgeMs === 0)
    read.invalid(
      'staleWhileRevalidate',
      'needs a maxAge above 0 (entries that never expire are never stale)',
      options.staleWhileRevalidate,
    );
  const waitTimeoutMs = read.integer('waitTimeoutMs', options.waitTimeoutMs, 10_000, { min: 1, max: 600_000 });
  const fillTimeoutMs = read.integer('fillTimeoutMs', options.fillTimeoutMs, 60_000, { min: 1, max: 3_600_000 });
  const abandonedKeyTtlMs = read.integer('abandonedKeyTtlMs', options.abandonedKeyTtlMs, 5_000, {
    min: 0,
    max: 3_600_000,
  });
  const requestVariables = parseRequestVariables(options.requestVariables ?? ['user']);
  const container = options.container;
  if (
    container !== undefined &&
    (typeof container !== 'object' ||
      container === null ||
      typeof (container as { getAll?: unknown }).getAll !== 'function')
  ) {
    read.invalid('container', 'must be an inversify Container', container);
  }
  const objectPath = read.func('objectPath', options.objectPath, 'a function (object) => path or undefined');
  const bus = options.bus === false ? undefined : (options.bus ?? getDefaultBus());
  if (
    bus !== undefined &&
    !(bus instanceof EventBus) &&
    typeof (bus as { subscribe?: unknown }).subscribe !== 'function'
  )
    read.invalid('bus', 'must be an EventBus or false', options.bus);
  const logger = read.logger('logger', options.logger) ?? consoleLogger;
  const statsWindowMs = durationMs('statsWindow', options.statsWindow, 300);
  if (statsWindowMs === 0) read.invalid('statsWindow', 'must be above 0', options.statsWindow);
  const maxStatsRows = read.integer('maxStatsRows', options.maxStatsRows, 1_000, { min: 1, max: MAX_ENTRIES_LIMIT });
  const now = read.func('now', options.now, 'a function returning epoch milliseconds') ?? Date.now;
  return {
    name,
    maxBytes,
    maxEntries,
    maxEntryBytes,
    reservedBytes,
    maxAgeMs,
    staleMs,
    waitTimeoutMs,
    fillTimeoutMs,
    abandonedKeyTtlMs,
    requestVariables,
    container,
    objectPath,
    bus,
    logger,
    redis: options.redis === undefined ? undefined : resolveRedisOptions(options.redis),
    statsWindowMs,
    maxStatsRows,
    now,
  };
}
