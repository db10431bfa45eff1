import { describeValue } from '@cacheset/core';
import type { RedisOptions } from 'ioredis';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';
import { REDIS_URL_FORM, redisUrlProblem } from './checkRedisUrl.js';
import type { RedisTierOptions } from './RedisTierOptions.js';

export interface ResolvedRedisOptions {
  readonly url: string | undefined;
  readonly client: RedisOptions;
  readonly prefix: string;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  readonly maxInvalidationRecords: number;
  readonly maxPendingInvalidations: number;
}

const PREFIX = /^[A-Za-z0-9_.:{}\-/]{1,128}$/;
const KNOWN = new Set([
  'url',
  'client',
  'prefix',
  'commandTimeoutMs',
  'connectTimeoutMs',
  'reconnectDelayMs',
  'maxInvalidationRecords',
  'maxPendingInvalidations',
]);

function bad(option: string, message: string, value: unknown): never {
  throw ramError(RamErrorCodes.INVALID_OPTIONS, `redis.${option}: ${message}, got ${describeValue(value)}.`, value);
}

function positiveInteger(value: unknown, option: string, fallback: number, max = 2_147_483_647): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > max)
    bad(option, `expected a whole number from 1 to ${max}`, value);
  return value;
}

/** Validates the `redis` option; every problem is `ERR_CACHESET_RAM_INVALID_OPTIONS` naming the option. */
export function resolveRedisOptions(options: RedisTierOptions): ResolvedRedisOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw ramError(
      RamErrorCodes.INVALID_OPTIONS,
      `redis: expected { url?, prefix?, ... }, got ${describeValue(options)}.`,
      options,
    );
  }
  for (const key of Object.keys(options))
    if (!KNOWN.has(key))
      bad(key, `unknown option (known: ${[...KNOWN].join(', ')})`, (options as Record<string, unknown>)[key]);
  const { url, client, prefix = 'cacheset:' } = options;
  if (url !== undefined) {
    const problem = redisUrlProblem(url);
    if (problem !== undefined) bad('url', `${problem}: expected ${REDIS_URL_FORM}`, url);
  }
  if (client !== undefined && (typeof client !== 'object' || client === null || Array.isArray(client)))
    bad('client', 'expected an object of ioredis options', client);
  if (typeof prefix !== 'string' || !PREFIX.test(prefix))
    bad(
      'prefix',
      'expected 1 to 128 letters, digits or _ . : - / { } (one prefix per site, e.g. "cacheset:mysite:")',
      prefix,
    );
  const delay = options.reconnectDelayMs ?? {};
  if (typeof delay !== 'object' || delay === null)
    bad('reconnectDelayMs', 'expected { min?, max? } in milliseconds', delay);
  const reconnectMinMs = positiveInteger(delay.min, 'reconnectDelayMs.min', 100, 60_000);
  const reconnectMaxMs = positiveInteger(delay.max, 'reconnectDelayMs.max', Math.max(2_000, reconnectMinMs), 600_000);
  if (reconnectMaxMs < reconnectMinMs) bad('reconnectDelayMs', 'max must not be below min', delay);
  return {
    url: url ?? (client === undefined ? 'redis://127.0.0.1:6379' : undefined),
    client: { ...client },
    prefix,
    commandTimeoutMs: positiveInteger(options.commandTimeoutMs, 'commandTimeoutMs', 250, 60_000),
    connectTimeoutMs: positiveInteger(options.connectTimeoutMs, 'connectTimeoutMs', 2_000, 600_000),
    reconnectMinMs,
    reconnectMaxMs,
    maxInvalidationRecords: positiveInteger(
      options.maxInvalidationRecords,
      'maxInvalidationRecords',
      10_000,
      10_000_000,
    ),
    maxPendingInvalidations: positiveInteger(
      options.maxPendingInvalidations,
      'maxPendingInvalidations',
      1_000,
      1_000_000,
    ),
  };
}
