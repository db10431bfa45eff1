import { hash, randomUUID } from 'node:crypto';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';
import { ancestorsOf } from '../paths/canonicalPath.js';
import { BroadcastAcks } from './BroadcastAcks.js';
import { decodeInvalidation, encodeInvalidation, type Invalidation } from './InvalidationMessage.js';
import {
  CATALOG_SCRIPT,
  CHECK_SCRIPT,
  ENTRY_EPOCH_DIGITS,
  INVALIDATE_SCRIPT,
  WRITE_SCRIPT,
  type LuaScript,
} from './luaScripts.js';
import type { ResolvedRedisOptions } from './resolveRedisOptions.js';
import { type OnceLogger } from '@cacheset/core/internal';

/**
 * `connecting`: never reached Redis yet. `up`: both connections ready and resynchronised. `down`:
 * lost (reconnecting by itself). `closed`: the manager closed it. Anything but `up` means the
 * in-process tier works alone.
 */
export type TierState = 'connecting' | 'up' | 'down' | 'closed';

export interface RedisTierStatistics {
  readonly state: TierState;
  readonly prefix: string;
  readonly hits: number;
  readonly misses: number;
  readonly writes: number;
  /** Writes Redis refused because an invalidation since the rendering started covers the entry. */
  readonly writesRefused: number;
  /**
   * Reads that ran the full check in Redis (a script) because an invalidation happened since the entry
   * was stored or last checked; the others needed one plain read.
   */
  readonly checkedReads: number;
  readonly errors: number;
  readonly outages: number;
  readonly invalidationsSent: number;
  readonly invalidationsReceived: number;
  /**
   * Broadcasts of this process's invalidations and catalog counter changes that some process did
   * not answer within `commandTimeoutMs`: that process may have served its own copy (or a 304 for a
   * listing ETag from before) a while longer.
   */
  readonly broadcastsUnanswered: number;
  /** Invalidations made while Redis was away, to be recorded and broadcast when it is back. */
  readonly pendingInvalidations: number;
  /** Times the tier came back and flushed this process's in-process tier. */
  readonly resyncs: number;
  readonly lastError: string | undefined;
}

export interface TierRead {
  /** The shared epoch when the read happened (undefined: Redis did not answer). */
  readonly epoch: number | undefined;
  /** The stored entry, when Redis has a valid one. */
  readonly blob: Buffer | undefined;
}

export interface TierHooks {
  /** Another process invalidated something: apply it to this process's tier (without broadcasting it again). */
  onRemoteInvalidation(invalidation: Invalidation): void;
  /** The tier is (back) up: drop everything in the process's tier, which may have missed broadcasts. */
  onResync(): void;
  /** The tier is up again after a resync (the catalog counter synchronises then). */
  onReady?(): void;
  /** Another process raised the shared catalog counter to `value`. */
  onCatalogValue?(value: number): void;
}

/** Entries without a lifetime still expire from Redis after a day, so the server's memory policy can rely on TTLs. */
const DEFAULT_SHARED_TTL_MS = 86_400_000;
const RETRY_PENDING_MS = 1_000;
const MISS: TierRead = Object.freeze({ epoch: undefined, blob: undefined });

/**
 * Keys are URLs and value paths of any length: a digest keeps Redis keys short and uniform. The
 * entry itself carries the full key, which is compared on read.
 */
function keyDigest(key: string): string {
  // The one-shot digest: no Hash object per lookup (about half the cost of createHash here).
  return hash('sha256', key, 'base64url');
}

/** The epoch an entry's value starts with; -1 when it does not start with one (never trusted as fresh). */
function entryEpoch(stored: Buffer): number {
  if (stored.byteLength <= ENTRY_EPOCH_DIGITS || stored[ENTRY_EPOCH_DIGITS] !== 0x0a) return -1;
  let epoch = 0;
  for (let i = 0; i < ENTRY_EPOCH_DIGITS; i += 1) {
    const digit = (stored[i] as number) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    epoch = epoch * 10 + digit;
  }
  return epoch;
}

/**
 * The fields of the invalidation records that cover an entry: the subtrees of its path's ancestors
 * (`p:`), its own page (`x:`) and its tags (`t:`). The scripts add `*`.
 */
export function coveringFields(path: string, tags: readonly string[]): string {
  const fields = ancestorsOf(path).map((p) => `p:${p}`);
  fields.push(`x:${path}`);
  for (const tag of tags) fields.push(`t:${tag}`);
  return fields.join('\n');
}

function invalidationFields(invalidation: Invalidation): string[] {
  if (invalidation.all) return ['*'];
  return [
    ...invalidation.paths.map((p) => `p:${p}`),
    ...invalidation.pages.map((p) => `x:${p}`),
    ...invalidation.tags.map((t) => `t:${t}`),
  ];
}

/** What is waiting to be recorded and broadcast: everything, or subtrees, pages and tags. */
interface Pending {
  readonly all: boolean;
  readonly paths: Set<string>;
  readonly pages: Set<string>;
  readonly tags: Set<string>;
}

function nothingPending(): Pending {
  return { all: false, paths: new Set(), pages: new Set(), tags: new Set() };
}

function everythingPending(): Pending {
  return { all: true, paths: new Set(), pages: new Set(), tags: new Set() };
}

function pendingCount(pending: Pending): number {
  return pending.paths.size + pending.pages.size + pending.tags.size;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The shared tier: entries in Redis under the site's prefix with TTLs, invalidation records that make
 * a purge on any process hide the entries it covers from every process, and a pub/sub channel that
 * carries each invalidation to the other processes' in-process tiers.
 *
 * Failure behaviour. Commands never queue while Redis is away (they fail at once) and time out after
 * `commandTimeoutMs`, so a request never waits on a dead or slow Redis: it is served from the
 * process's own tier or rendered. Failures are counted; one line is logged when an outage starts and
 * one when it ends. ioredis reconnects by itself. When both connections are back, the tier
 * resynchronises before it is used again:
 *   1. the process's own tier is flushed: it may have missed broadcasts while the subscriber was away;
 *   2. after a reconnect (not the first connection) a fence is recorded in Redis, invalidating every
 *      shared entry stored before it: another process may have purged something while it could not
 *      record the purge, and the fence keeps that stale entry from being read again by anyone;
 *   3. the invalidations this process made meanwhile are recorded and broadcast, so processes that
 *      never lost Redis drop their copies too.
 */
export class RedisTier {
  readonly #options: ResolvedRedisOptions;
  readonly #hooks: TierHooks;
  readonly #log: OnceLogger;
  readonly #origin = randomUUID();
  readonly #client: Redis | Cluster;
  readonly #subscriber: Redis | Cluster;
  readonly #keys: {
    readonly records: string;
    readonly counter: string;
    readonly byEpoch: string;
    readonly channel: string;
    readonly catalog: string;
    readonly catalogChannel: string;
    readonly sequence: string;
    /** Where the other processes answer this process's broadcasts (see BroadcastAcks). */
    readonly answers: string;
  };
  readonly #acks = new BroadcastAcks();
  #state: TierState = 'connecting';
  #commandReady = false;
  #subscribed = false;
  #resyncing = false;
  #everUp = false;
  #outageSince: number | undefined;
  #outageErrors = 0;
  #pending: Pending = nothingPending();
  /** How many invalidations this process has sent to Redis: orders its writes after them (see WRITE_SCRIPT). */
  #sent = 0;
  /** How many catalog counter broadcasts this process has sent (numbers their answers). */
  #catalogSent = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #stats = {
    hits: 0,
    misses: 0,
    writes: 0,
    writesRefused: 0,
    checkedReads: 0,
    errors: 0,
    outages: 0,
    invalidationsSent: 0,
    invalidationsReceived: 0,
    broadcastsUnanswered: 0,
    resyncs: 0,
  };
  #lastError: string | undefined;

  constructor(options: ResolvedRedisOptions, hooks: TierHooks, log: OnceLogger) {
    this.#options = options;
    this.#hooks = hooks;
    this.#log = log;
    const prefix = options.keyPrefix;
    this.#keys = {
      records: `${prefix}inv`,
      counter: `${prefix}epoch`,
      byEpoch: `${prefix}invz`,
      channel: `${prefix}invalidate`,
      catalog: `${prefix}catalog`,
      catalogChannel: `${prefix}catalog:changed`,
      sequence: `${prefix}seq:${this.#origin}`,
      answers: `${prefix}answers:${this.#origin}`,
    };
    // replyMapping is left at its default: the scripts' replies are read as plain arrays.
    const { replyMapping: _replyMapping, ...client } = options.client;
    const connection: Omit<RedisOptions, 'replyMapping'> = {
      ...client,
      lazyConnect: true,
      // Never queue a command while Redis is away: a request must not wait for a reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // The subscription is renewed by the resync itself, after it knows what it missed.
      autoResubscribe: false,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: options.connectTimeoutMs,
      retryStrategy: (times) => Math.min(options.reconnectMinMs * 2 ** Math.max(0, times - 1), options.reconnectMaxMs),
    };
    const open = (): Redis | Cluster => {
      if (options.nodes !== undefined) {
        const { lazyConnect: _lazy, enableOfflineQueue: _queue, retryStrategy: _retry, ...perNode } = connection;
        return new Cluster([...options.nodes], {
          redisOptions: perNode,
          lazyConnect: true,
          enableOfflineQueue: false,
          // Reads go to masters: a replica may lag behind an invalidation record.
          scaleReads: 'master',
          clusterRetryStrategy: connection.retryStrategy as (times: number) => number,
          // During a failover a command fails at once (the request renders) instead of waiting.
          retryDelayOnClusterDown: 0,
          retryDelayOnTryAgain: 0,
        });
      }
      return options.url === undefined ? new Redis(connection) : new Redis(options.url, connection);
    };
    this.#client = open();
    this.#subscriber = open();
    this.#wire(this.#client, 'command');
    this.#wire(this.#subscriber, 'subscriber');
    this.#subscriber.on('message', (channel: string, message: string) => this.#onMessage(channel, message));
    this.#client.connect().catch((error: unknown) => this.#failed(error));
    this.#subscriber.connect().catch((error: unknown) => this.#failed(error));
  }

  get state(): TierState {
    return this.#state;
  }

  get prefix(): string {
    return this.#options.prefix;
  }

  statistics(): RedisTierStatistics {
    return {
      state: this.#state,
      prefix: this.#options.prefix,
      ...this.#stats,
      pendingInvalidations: this.#pending.all ? 1 : pendingCount(this.#pending),
      lastError: this.#lastError,
    };
  }

  /** The shared entry under `key`, if Redis has a valid one. Never throws; a failure is a miss. */
  async get(key: string): Promise<TierRead> {
    if (this.#state !== 'up') return MISS;
    const digest = keyDigest(key);
    const entryKey = this.#entryKey(digest);
    try {
      // The fast fence, one command without Lua: the epoch counter rises with every invalidation, so
      // an entry stored at an epoch no lower than the counter's value now has seen no invalidation
      // since its rendering started (or since a check found it valid). MGET reads both at one instant.
      const [counter, stored] = await this.#client.mgetBuffer(this.#keys.counter, entryKey);
      const now = counter === null || counter === undefined ? 0 : Number(counter.toString());
      if (stored === null || stored === undefined) {
        this.#succeeded();
        this.#stats.misses += 1;
        return { epoch: Number.isFinite(now) ? now : undefined, blob: undefined };
      }
      if (Number.isFinite(now) && entryEpoch(stored) >= now) {
        this.#succeeded();
        this.#stats.hits += 1;
        return { epoch: now, blob: stored.subarray(ENTRY_EPOCH_DIGITS + 1) };
      }
      return await this.#checkedRead(entryKey, this.#fieldsKey(digest));
    } catch (error) {
      this.#failed(error);
      return MISS;
    }
  }

  /** An entry that an invalidation may cover since it was stored: checked in Redis, then read. */
  async #checkedRead(entryKey: string, fieldsKey: string): Promise<TierRead> {
    const keys = [entryKey, fieldsKey, this.#keys.records, this.#keys.counter];
    let check: unknown;
    let stored: Buffer | null;
    // One round trip and one write: Redis runs the check, then the read, in the order they were
    // sent. An invalidation landing between them orders this read before it, which is what it is.
    const replies = await this.#client
      .pipeline()
      .evalsha(CHECK_SCRIPT.sha, keys.length, ...keys)
      .getBuffer(entryKey)
      .exec();
    const [checkReply, blobReply] = replies ?? [];
    if (checkReply?.[0] !== null && checkReply?.[0] !== undefined) {
      if (!describe(checkReply[0]).startsWith('NOSCRIPT')) throw checkReply[0];
      // Redis restarted and forgot the script: check first, then read, one after the other.
      check = await this.#client.eval(CHECK_SCRIPT.source, keys.length, ...keys);
      stored = await this.#client.getBuffer(entryKey);
    } else {
      if (blobReply?.[0] !== null && blobReply?.[0] !== undefined) throw blobReply[0];
      check = checkReply?.[1];
      stored = (blobReply?.[1] as Buffer | null | undefined) ?? null;
    }
    this.#succeeded();
    this.#stats.checkedReads += 1;
    if (!Array.isArray(check)) return MISS;
    const epoch = Number(check[0]);
    if (Number(check[1]) === 1 && stored !== null && stored.byteLength > ENTRY_EPOCH_DIGITS) {
      this.#stats.hits += 1;
      return { epoch, blob: stored.subarray(ENTRY_EPOCH_DIGITS + 1) };
    }
    this.#stats.misses += 1;
    return { epoch: Number.isFinite(epoch) ? epoch : undefined, blob: undefined };
  }

  /**
   * Stores an entry whose rendering started at shared `epoch` (undefined: now), unless an
   * invalidation since then covers it (checked in Redis, atomically). Fire and forget: a failure is
   * counted, never thrown.
   */
  write(
    key: string,
    blob: Buffer,
    epoch: number | undefined,
    path: string,
    tags: readonly string[],
    ttlMs: number,
  ): void {
    if (this.#state !== 'up') return;
    const ttl = ttlMs > 0 ? Math.ceil(ttlMs) : DEFAULT_SHARED_TTL_MS;
    const digest = keyDigest(key);
    this.#eval(
      WRITE_SCRIPT,
      [this.#entryKey(digest), this.#fieldsKey(digest), this.#keys.records, this.#keys.counter, this.#keys.sequence],
      [epoch === undefined ? '' : String(epoch), coveringFields(path, tags), blob, String(ttl), String(this.#sent)],
    ).then(
      (written) => {
        this.#succeeded();
        if (Number(written) === 1) this.#stats.writes += 1;
        else this.#stats.writesRefused += 1;
      },
      (error: unknown) => this.#failed(error),
    );
  }

  /**
   * Records an invalidation in Redis and broadcasts it to the other processes, or keeps it for when
   * Redis is back. Returns, while the tier is up, a promise that settles once the record is in Redis
   * and published (or failed and was queued again): the edit that caused it waits for that. Never
   * throws, never rejects.
   */
  invalidate(invalidation: Invalidation): Promise<void> | undefined {
    if (this.#state === 'closed') return undefined;
    this.#queue(invalidation);
    return this.#state === 'up' ? this.#flushPending() : undefined;
  }

  /**
   * Raises the shared catalog counter to `value` (or, with `bump`, past what it was) and publishes the
   * new value when it changed. Resolves to the shared value, or undefined when Redis is away or failed
   * (counted like any failure). Never rejects.
   */
  async shareCatalogValue(value: number, bump: boolean): Promise<number | undefined> {
    if (this.#state !== 'up') return undefined;
    // Numbered apart from the invalidations (the answers share one channel).
    this.#catalogSent += 1;
    const sequence = `c${this.#catalogSent}`;
    let reply: unknown;
    try {
      reply = await this.#eval(
        CATALOG_SCRIPT,
        [this.#keys.catalog],
        [String(Math.floor(value)), bump ? '1' : '0', this.#keys.catalogChannel, this.#origin, sequence],
      );
      this.#succeeded();
    } catch (error) {
      this.#failed(error);
      return undefined;
    }
    if (!Array.isArray(reply)) return undefined;
    // Like an invalidation: settled once every process raised its counter (its 304s for the ETags
    // from before are over), at most commandTimeoutMs.
    await this.#answered(sequence, Number(reply[1]));
    const shared = Number(String(reply[0]));
    return Number.isFinite(shared) ? shared : undefined;
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#acks.close();
    await Promise.all([quit(this.#client), quit(this.#subscriber)]);
  }

  /** The string holding an entry: its epoch, then its bytes (see ENTRY_EPOCH_DIGITS). */
  #entryKey(digest: string): string {
    return `${this.#options.keyPrefix}v:${digest}`;
  }

  /** The invalidation-record fields that cover an entry, one per line, beside it with the same TTL. */
  #fieldsKey(digest: string): string {
    return `${this.#options.keyPrefix}c:${digest}`;
  }

  async #eval(script: LuaScript, keys: readonly string[], args: readonly (string | Buffer)[]): Promise<unknown> {
    try {
      return await this.#client.callBuffer('EVALSHA', [script.sha, keys.length, ...keys, ...args]);
    } catch (error) {
      if (!describe(error).startsWith('NOSCRIPT')) throw error;
      return await this.#client.callBuffer('EVAL', [script.source, keys.length, ...keys, ...args]);
    }
  }

  #wire(connection: Redis | Cluster, role: 'command' | 'subscriber'): void {
    connection.on('error', (error: unknown) => this.#failed(error));
    connection.on('close', () => {
      if (role === 'command') this.#commandReady = false;
      else this.#subscribed = false;
      this.#lost(`the ${role} connection closed`);
    });
    connection.on('ready', () => {
      if (this.#state === 'closed') return;
      if (role === 'command') {
        this.#commandReady = true;
        void this.#resync();
        return;
      }
      connection.subscribe(this.#keys.channel, this.#keys.catalogChannel, this.#keys.answers).then(
        () => {
          this.#subscribed = true;
          void this.#resync();
        },
        (error: unknown) => this.#failed(error),
      );
    });
  }

  #onMessage(channel: string, message: string): void {
    if (this.#state === 'closed') return;
    if (channel === this.#keys.catalogChannel) {
      // "<value> <sender> <number>" (see CATALOG_SCRIPT).
      const [text, origin, sequence] = message.split(' ');
      const value = Number(text);
      if (!Number.isSafeInteger(value)) return;
      this.#hooks.onCatalogValue?.(value);
      if (origin !== undefined && sequence !== undefined) this.#answer(origin, sequence);
      return;
    }
    if (channel === this.#keys.answers) {
      this.#acks.received(message);
      return;
    }
    if (channel !== this.#keys.channel) return;
    const decoded = decodeInvalidation(message);
    if (decoded === undefined) {
      this.#log.warn(`cacheset ram: ignored a malformed message on ${channel}.`, { message: message.slice(0, 200) });
      return;
    }
    const { origin, sequence } = decoded;
    if (origin !== this.#origin) {
      this.#stats.invalidationsReceived += 1;
      this.#hooks.onRemoteInvalidation(decoded.invalidation);
    }
    if (sequence !== undefined) this.#answer(origin, sequence);
  }

  /**
   * Answers broadcast `sequence` of process `origin` once it is applied here: the sender's edit waits
   * for every answer. This process's own subscriber is one of the receivers Redis counted; it answers
   * without a round trip.
   */
  #answer(origin: string, sequence: string): void {
    if (origin === this.#origin) {
      this.#acks.received(sequence);
      return;
    }
    this.#client.publish(`${this.#options.keyPrefix}answers:${origin}`, sequence).catch((error: unknown) => {
      this.#failed(error);
    });
  }

  async #resync(): Promise<void> {
    if (!this.#commandReady || !this.#subscribed || this.#resyncing || this.#state === 'up' || this.#state === 'closed')
      return;
    this.#resyncing = true;
    try {
      this.#hooks.onResync();
      if (this.#everUp)
        await this.#eval(
          INVALIDATE_SCRIPT,
          [this.#keys.records, this.#keys.counter, this.#keys.byEpoch, this.#keys.sequence],
          [String(this.#options.maxInvalidationRecords), '', '', this.#nextSequence(), '*'],
        );
      // This process's own invalidations from the outage are recorded before it reads shared
      // entries again: one of them may cover an entry another process stored.
      await this.#recordPending();
      if (!this.#commandReady || !this.#subscribed || this.#isClosed()) return;
      this.#state = 'up';
      this.#everUp = true;
      this.#stats.resyncs += 1;
      this.#succeeded();
      void this.#flushPending();
      this.#hooks.onReady?.();
    } catch (error) {
      this.#failed(error);
      // Connected but the resync failed (a slow Redis): try again shortly.
      this.#scheduleRetry(() => void this.#resync());
    } finally {
      this.#resyncing = false;
    }
  }

  /** The number of the invalidation about to be sent (see WRITE_SCRIPT). */
  #nextSequence(): string {
    this.#sent += 1;
    return String(this.#sent);
  }

  /** Re-reads the state after an await (TypeScript's narrowing cannot know it changed meanwhile). */
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  #queue(invalidation: Invalidation): void {
    const pending = this.#pending;
    if (pending.all) return;
    if (invalidation.all) {
      this.#pending = everythingPending();
      return;
    }
    for (const p of invalidation.paths) pending.paths.add(p);
    for (const p of invalidation.pages) pending.pages.add(p);
    for (const t of invalidation.tags) pending.tags.add(t);
    // Too much to replay one by one: invalidating everything is the safe summary.
    if (pendingCount(pending) > this.#options.maxPendingInvalidations) this.#pending = everythingPending();
  }

  /** Records and broadcasts the queued invalidations; on failure they are queued again and the error thrown. */
  async #recordPending(): Promise<void> {
    const pending = this.#pending;
    if (!pending.all && pendingCount(pending) === 0) return;
    this.#pending = nothingPending();
    const invalidation: Invalidation = {
      all: pending.all,
      paths: [...pending.paths],
      pages: [...pending.pages],
      tags: [...pending.tags],
    };
    const sequence = this.#nextSequence();
    let reply: unknown;
    try {
      reply = await this.#eval(
        INVALIDATE_SCRIPT,
        [this.#keys.records, this.#keys.counter, this.#keys.byEpoch, this.#keys.sequence],
        [
          String(this.#options.maxInvalidationRecords),
          this.#keys.channel,
          encodeInvalidation(this.#origin, invalidation, sequence),
          sequence,
          ...invalidationFields(invalidation),
        ],
      );
      this.#stats.invalidationsSent += 1;
    } catch (error) {
      // Maybe recorded, maybe not: recording again is harmless, losing it is not.
      this.#queue(invalidation);
      throw error;
    }
    await this.#answered(sequence, Array.isArray(reply) ? Number(reply[1]) : 0);
  }

  /**
   * Waits until every process the broadcast reached (this one's own subscriber among them) has
   * answered that it dropped its copies, at most `commandTimeoutMs`: only then is the edit that
   * caused it acknowledged. A process that did not answer in time is counted and logged once.
   */
  async #answered(sequence: string, receivers: number): Promise<void> {
    if (!Number.isSafeInteger(receivers) || receivers <= 0) return;
    if (await this.#acks.wait(sequence, receivers, this.#options.commandTimeoutMs)) return;
    if (this.#isClosed()) return;
    this.#stats.broadcastsUnanswered += 1;
    this.#log.warn(
      'cacheset ram: a process did not answer an invalidation broadcast within commandTimeoutMs; it may serve its own copy of the invalidated pages until it applies the broadcast.',
      { receivers, timeoutMs: this.#options.commandTimeoutMs },
    );
  }

  async #flushPending(): Promise<void> {
    try {
      await this.#recordPending();
      this.#succeeded();
    } catch (error) {
      this.#failed(error);
      this.#scheduleRetry(() => {
        if (this.#state === 'up') void this.#flushPending();
      });
    }
  }

  #scheduleRetry(run: () => void): void {
    if (this.#retryTimer !== undefined || this.#state === 'closed') return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#state !== 'closed') run();
    }, RETRY_PENDING_MS);
    this.#retryTimer.unref();
  }

  #lost(reason: string): void {
    if (this.#state === 'closed') return;
    // A lost connection is a failure like any other, whether or not an error event comes with it.
    this.#stats.errors += 1;
    this.#lastError = reason;
    if (this.#state === 'up') this.#state = 'down';
    this.#beginOutage(reason);
  }

  #failed(error: unknown): void {
    if (this.#state === 'closed') return;
    this.#stats.errors += 1;
    this.#lastError = describe(error);
    this.#outageErrors += 1;
    this.#beginOutage(this.#lastError);
  }

  #beginOutage(reason: string): void {
    if (this.#outageSince !== undefined) return;
    this.#outageSince = Date.now();
    this.#outageErrors = Math.max(this.#outageErrors, 1);
    this.#stats.outages += 1;
    this.#log.always(
      'error',
      `cacheset ram: the Redis tier (${this.#options.prefix}) is unavailable (${reason}); requests are served from this process's cache or rendered, and it reconnects by itself. Logged once per outage.`,
      { code: RamErrorCodes.REDIS_UNAVAILABLE, prefix: this.#options.prefix, reason },
    );
  }

  #succeeded(): void {
    if (this.#outageSince === undefined || this.#state !== 'up') return;
    const seconds = ((Date.now() - this.#outageSince) / 1000).toFixed(1);
    this.#log.always(
      'warn',
      `cacheset ram: the Redis tier (${this.#options.prefix}) is back after ${seconds} s and ${this.#outageErrors} failed operations; this process's cache was resynchronised.`,
      {
        prefix: this.#options.prefix,
        errors: this.#outageErrors,
      },
    );
    this.#outageSince = undefined;
    this.#outageErrors = 0;
  }
}

async function quit(connection: Redis | Cluster): Promise<void> {
  if (connection.status === 'end') return;
  try {
    await Promise.race([connection.quit(), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
  } catch {
    // already gone
  }
  connection.disconnect();
}
