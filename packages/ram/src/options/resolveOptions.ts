import {
  CachesetError,
  consoleLogger,
  describeValue,
  EventBus,
  getDefaultBus,
  parseDuration,
  type CachesetLogger,
} from '@cacheset/core';
import type { Container } from 'inversify';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';
import { parseRequestVariables, type RequestVariable } from '../keys/requestVariables.js';
import { resolveRedisOptions, type ResolvedRedisOptions } from '../shared/resolveRedisOptions.js';
import { SLOT_BYTES } from '../serialization/memorySize.js';
import { parseByteSize } from './parseByteSize.js';
import type { RamCacheOptions } from './RamCacheOptions.js';

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

const KNOWN: ReadonlySet<string> = new Set([
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
]);

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
/** lru-cache sizes its arrays by the entry limit; past this a cache should be several caches. */
const MAX_ENTRIES_LIMIT = 16_777_216;

function bad(option: string, message: string, value: unknown): never {
  throw ramError(RamErrorCodes.INVALID_OPTIONS, `${option}: ${message}, got ${describeValue(value)}.`, value);
}

function integer(value: unknown, option: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    bad(option, `expected a whole number from ${min} to ${max}`, value);
  return value;
}

function durationMs(value: unknown, option: string, fallbackSeconds: number): number {
  if (value === undefined) return fallbackSeconds * 1000;
  try {
    return parseDuration(value) * 1000;
  } catch (error) {
    const reason = CachesetError.is(error) ? error.message : String(error);
    throw ramError(RamErrorCodes.INVALID_OPTIONS, `${option}: ${reason}`, value, error);
  }
}

/**
 * Validates every option at construction: a typo or a wrong unit is an error naming the option now,
 * not a cache that silently does something else in production.
 */
export function resolveOptions(options: RamCacheOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw ramError(
      RamErrorCodes.INVALID_OPTIONS,
      `RamCacheManager: expected an options object, got ${describeValue(options)}.`,
      options,
    );
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key))
      bad(key, `unknown option (known: ${[...KNOWN].join(', ')})`, (options as Record<string, unknown>)[key]);
  }
  const name = options.name ?? 'default';
  if (typeof name !== 'string' || !NAME.test(name))
    bad('name', 'expected a name of letters, digits, _ . - (at most 64, starting with a letter)', name);
  const maxBytes = options.maxBytes === undefined ? 64 * 1024 * 1024 : parseByteSize(options.maxBytes, 'maxBytes');
  // By default one slot per KiB of budget (capped): the slot tables are reserved out of the budget.
  const maxEntries = integer(
    options.maxEntries,
    'maxEntries',
    Math.min(100_000, Math.max(16, Math.floor(maxBytes / 1024))),
    1,
    MAX_ENTRIES_LIMIT,
  );
  const reservedBytes = maxEntries * SLOT_BYTES;
  const entryBudget = maxBytes - reservedBytes;
  const maxEntryBytes =
    options.maxEntryBytes === undefined
      ? Math.max(1, Math.floor(entryBudget / 16))
      : parseByteSize(options.maxEntryBytes, 'maxEntryBytes');
  if (entryBudget < 1024) {
    bad(
      'maxBytes',
      `leaves no room for entries: ${maxEntries} entry slots take ${reservedBytes} bytes of it; raise maxBytes or lower maxEntries`,
      options.maxBytes,
    );
  }
  if (maxEntryBytes > entryBudget)
    bad(
      'maxEntryBytes',
      `must not exceed the budget left for entries (${entryBudget} of maxBytes ${maxBytes} after ${maxEntries} slots)`,
      options.maxEntryBytes,
    );
  const maxAgeMs = durationMs(options.maxAge, 'maxAge', 3600);
  const staleMs = durationMs(options.staleWhileRevalidate, 'staleWhileRevalidate', 0);
  if (staleMs > 0 && maxAgeMs === 0)
    bad(
      'staleWhileRevalidate',
      'needs a maxAge above 0 (entries that never expire are never stale)',
      options.staleWhileRevalidate,
    );
  const waitTimeoutMs = integer(options.waitTimeoutMs, 'waitTimeoutMs', 10_000, 1, 600_000);
  const fillTimeoutMs = integer(options.fillTimeoutMs, 'fillTimeoutMs', 60_000, 1, 3_600_000);
  const abandonedKeyTtlMs = integer(options.abandonedKeyTtlMs, 'abandonedKeyTtlMs', 5_000, 0, 3_600_000);
  const requestVariables = parseRequestVariables(options.requestVariables ?? ['user']);
  const container = options.container;
  if (
    container !== undefined &&
    (typeof container !== 'object' ||
      container === null ||
      typeof (container as { getAll?: unknown }).getAll !== 'function')
  ) {
    bad('container', 'expected an inversify Container', container);
  }
  if (options.objectPath !== undefined && typeof options.objectPath !== 'function')
    bad('objectPath', 'expected a function (object) => path or undefined', options.objectPath);
  const bus = options.bus === false ? undefined : (options.bus ?? getDefaultBus());
  if (
    bus !== undefined &&
    !(bus instanceof EventBus) &&
    typeof (bus as { subscribe?: unknown }).subscribe !== 'function'
  )
    bad('bus', 'expected an EventBus or false', options.bus);
  const logger = options.logger ?? consoleLogger;
  if (
    typeof logger !== 'object' ||
    logger === null ||
    typeof logger.warn !== 'function' ||
    typeof logger.error !== 'function'
  )
    bad('logger', 'expected { warn(message, details), error(message, details) }', logger);
  const statsWindowMs = durationMs(options.statsWindow, 'statsWindow', 300);
  if (statsWindowMs === 0) bad('statsWindow', 'must be above 0', options.statsWindow);
  const maxStatsRows = integer(options.maxStatsRows, 'maxStatsRows', 1_000, 1, MAX_ENTRIES_LIMIT);
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') bad('now', 'expected a function returning epoch milliseconds', now);
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
    objectPath: options.objectPath,
    bus,
    logger,
    redis: options.redis === undefined ? undefined : resolveRedisOptions(options.redis),
    statsWindowMs,
    maxStatsRows,
    now,
  };
}
