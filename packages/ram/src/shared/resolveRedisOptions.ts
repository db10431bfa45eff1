import { describeValue } from '@cacheset/core';
import type { RedisOptions } from 'ioredis';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';
import { REDIS_URL_FORM, redisUrlProblem } from './checkRedisUrl.js';
import type { RedisTierOptions } from './RedisTierOptions.js';
import { OptionReader } from '@cacheset/core/internal';

export interface ResolvedRedisOptions {
  readonly url: string | undefined;
  /** A Redis Cluster's seed nodes (then `url` is undefined). */
  readonly nodes: readonly { readonly host: string; readonly port: number }[] | undefined;
  /** What every key starts with: the prefix, hash-tagged on a cluster. */
  readonly keyPrefix: string;
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
const KNOWN = [
  'url',
  'nodes',
  'client',
  'prefix',
  'commandTimeoutMs',
  'connectTimeoutMs',
  'reconnectDelayMs',
  'maxInvalidationRecords',
  'maxPendingInvalidations',
] satisfies readonly (keyof RedisTierOptions)[];

// Typed explicitly: a method returning never narrows control flow only through an annotated reference.
const read: OptionReader = new OptionReader(
  (message, value) => ramError(RamErrorCodes.INVALID_OPTIONS, message, value),
  'redis.',
);

const positiveInteger = (option: string, value: unknown, fallback: number, max: number): number =>
  read.integer(option, value, fallback, { min: 1, max });

/** Validates the `redis` option; every problem is `ERR_CACHESET_RAM_INVALID_OPTIONS` naming the option. */
export function resolveRedisOptions(options: RedisTierOptions): ResolvedRedisOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw ramError(
      RamErrorCodes.INVALID_OPTIONS,
      `redis: expected { url?, prefix?, ... }, got ${describeValue(options)}.`,
      options,
    );
  read.keys('', options, KNOWN);
  const { url, client } = options;
  if (url !== undefined) {
    const problem = redisUrlProblem(url);
    if (problem !== undefined) read.invalid('url', `${problem}: expected ${REDIS_URL_FORM}`, url);
  }
  let nodes: { host: string; port: number }[] | undefined;
  if (options.nodes !== undefined) {
    if (url !== undefined)
      read.invalid('nodes', 'give url (one Redis) or nodes (a Redis Cluster), not both', options.nodes);
    if (!Array.isArray(options.nodes) || options.nodes.length === 0)
      read.invalid('nodes', 'must be a non-empty list of redis://host:port seed nodes', options.nodes);
    nodes = (options.nodes as readonly unknown[]).map((node, i) => {
      const problem = redisUrlProblem(node);
      if (problem !== undefined) read.invalid(`nodes[${i}]`, `${problem}: expected ${REDIS_URL_FORM}`, node);
      const parsed = new URL(node as string);
      return { host: parsed.hostname, port: parsed.port === '' ? 6379 : Number(parsed.port) };
    });
  }
  if (client !== undefined && (typeof client !== 'object' || client === null || Array.isArray(client)))
    read.invalid('client', 'must be an object of ioredis options', client);
  const prefix = read.text(
    'prefix',
    options.prefix,
    'cacheset:',
    PREFIX,
    '1 to 128 letters, digits or _ . : - / { } (one prefix per site, e.g. "cacheset:mysite:")',
  );
  const delay = options.reconnectDelayMs ?? {};
  if (typeof delay !== 'object' || delay === null)
    read.invalid('reconnectDelayMs', 'must be { min?, max? } in milliseconds', delay);
  const reconnectMinMs = positiveInteger('reconnectDelayMs.min', delay.min, 100, 60_000);
  const reconnectMaxMs = positiveInteger('reconnectDelayMs.max', delay.max, Math.max(2_000, reconnectMinMs), 600_000);
  if (reconnectMaxMs < reconnectMinMs) read.invalid('reconnectDelayMs', 'max must not be below min', delay);
  return {
    url: nodes !== undefined ? undefined : (url ?? (client === undefined ? 'redis://127.0.0.1:6379' : undefined)),
    nodes,
    // One hash tag for the whole site: the scripts touch an entry, the records and the counter at once.
    keyPrefix: nodes === undefined || prefix.includes('{') ? prefix : `{${prefix}}`,
    client: { ...client },
    prefix,
    commandTimeoutMs: positiveInteger('commandTimeoutMs', options.commandTimeoutMs, 250, 60_000),
    connectTimeoutMs: positiveInteger('connectTimeoutMs', options.connectTimeoutMs, 2_000, 600_000),
    reconnectMinMs,
    reconnectMaxMs,
    maxInvalidationRecords: positiveInteger(
      'maxInvalidationRecords',
      options.maxInvalidationRecords,
      10_000,
      10_000_000,
    ),
    maxPendingInvalidations: positiveInteger(
      'maxPendingInvalidations',
      options.maxPendingInvalidations,
      1_000,
      1_000_000,
    ),
  };
}
