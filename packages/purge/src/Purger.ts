import {
  describeValue,
  isSurrogateKey,
  Purge,
  resolvePurgePaths,
  resolveSurrogateKeys,
  type CachesetLogger,
} from '@cacheset/core';
import type { Registry } from 'prom-client';
import type { ProxyKind, PurgerOptions } from './config/PurgerOptions.js';
import { resolveOptions, type ResolvedConfig } from './config/resolveOptions.js';
import { ProxyChannel } from './delivery/ProxyChannel.js';
import { PurgeErrorCodes, purgeError } from './errors/purgeErrorCodes.js';
import { encodePath } from './paths/encodePath.js';
import { rewriteRelativePath } from './paths/rewriteRelativePath.js';
import { buildRequests } from './proxies/buildRequests.js';
import { Outbox } from './queue/Outbox.js';
import { checkStrings, INPUT_ERROR_CODES } from './queue/checkStrings.js';
import { PurgeBatch, type QueuedPurges } from './queue/PurgeBatch.js';
import { UnitBatches } from './queue/UnitBatches.js';
import { metricsText, registerPurgeMetrics } from './stats/metricsText.js';
import { PurgeHistory } from './stats/PurgeHistory.js';
import { deliveryReport, type DeliveryReport, type PurgeRecord } from './stats/PurgeRecord.js';
import type { PurgerStatistics } from './stats/PurgerStatistics.js';
import { OnceLogger } from '@cacheset/core/internal';

/** A proxy as the purger sees it, for admin pages. */
export interface ProxyDescription {
  readonly name: string;
  readonly url: string;
  readonly kind: ProxyKind;
  readonly softPurge: boolean;
  /** What it can invalidate besides paths. */
  readonly tags: boolean;
  readonly ban: boolean;
}

/** Invalidations asked for by hand (`purgeNow`, the operator endpoint). */
export interface ManualPurge {
  /** Paths relative to the public site: rewritten for virtual hosting, like adapters' relative paths. */
  readonly paths?: readonly string[];
  /** Paths sent as they are. */
  readonly absolutePaths?: readonly string[];
  readonly tags?: readonly string[];
  /** BAN regular expressions over the URL (Varnish). */
  readonly bans?: readonly string[];
}

/** What `close()` leaves behind. */
export interface CloseReport {
  /** Everything queued was delivered or finally failed before the deadline. */
  readonly clean: boolean;
  /** Requests still undelivered at the deadline: counted as dropped and logged. */
  readonly abandoned: readonly PurgeRecord[];
}

/** No whitespace or quote: the shipped VCL splices the expression into a ban, where either would break it. */
const BAN_TEXT = /^[\x21\x23-\x7e\x80-\xff]+$/;

/**
 * Purges caching proxies when objects change (plone.cachepurging, with its defects fixed):
 *
 * 1. Every `Purge` event (direct, or re-fired from lifecycle events of `IPurgeable` objects) adds the
 *    object's paths, computed now from all its `IPurgePaths` adapters, and its tags
 *    (`ISurrogateKeys`), to the batch of the current unit of work, de-duplicated.
 * 2. The unit commits (the HTTP adapters do it after the response finished with a status below 400;
 *    `runInUnitOfWork` when its function returns): the batch goes to every proxy's queue. An aborted
 *    unit sends nothing. Purges fired outside a unit go in an implicit batch sent on the next tick.
 * 3. Each proxy's channel sends PURGE / BAN / tag requests over keep-alive connections, retries with
 *    back-off, and counts and records every outcome.
 *
 * @example
 * const purger = createPurger({ proxies: ['http://127.0.0.1:6081'], domains: ['https://www.example.com'], container });
 * notify(new Purge(image));          // inside a request: sent after the response
 * await purger.flush();              // or wait for delivery
 * await purger.close();              // at shutdown
 */
export class Purger {
  readonly #config: ResolvedConfig;
  readonly #channels: readonly ProxyChannel[];
  readonly #history: PurgeHistory;
  readonly #reporter: OnceLogger;
  readonly #batches: UnitBatches;
  readonly #outbox: Outbox<DeliveryReport>;
  readonly #unsubscribe: (() => void) | undefined;
  #nextId = 1;
  #closing: Promise<CloseReport> | undefined;
  #objectsQueued = 0;
  #unitsCommitted = 0;
  #unitsAborted = 0;
  #discarded = 0;
  #implicitBatches = 0;
  #adapterErrors = 0;
  #synchronousBatches = 0;
  #synchronousTimeouts = 0;
  /** Removes the metrics from each prom-client registry they were added to. */
  readonly #metricsRegistrations = new Set<() => void>();

  constructor(options: PurgerOptions) {
    this.#config = resolveOptions(options);
    this.#history = new PurgeHistory(this.#config.historySize);
    this.#reporter = new OnceLogger(this.#config.logger);
    const context = {
      history: this.#history,
      reporter: this.#reporter,
      nextId: () => this.#nextId++,
      returned: (channel: ProxyChannel) => this.#returned(channel),
    };
    this.#channels = this.#config.proxies.map((proxy) => new ProxyChannel(proxy, context));
    this.#outbox = new Outbox((batch) => this.#dispatch(batch));
    this.#batches = new UnitBatches(
      {
        commit: (batch) => {
          this.#unitsCommitted += 1;
          if (this.closed) {
            // Nothing will release the outbox any more: hand over at once (to be counted as dropped).
            void this.#dispatch(batch);
            return undefined;
          }
          const delivery = this.#outbox.add(batch);
          return this.#config.waitForDelivery ? delivery.then(() => undefined) : undefined;
        },
        abort: (batch) => {
          this.#unitsAborted += 1;
          this.#discarded += batch.size;
        },
        implicit: (batch) => {
          this.#implicitBatches += 1;
          void this.#dispatch(batch);
        },
        deliver: (batch) => this.#deliverSynchronously(batch),
      },
      this.#config.synchronous,
    );
    const bus = this.#config.bus;
    this.#unsubscribe = bus === undefined ? undefined : bus.subscribe(Purge, (event) => void this.queue(event.object));
  }

  /** The master switch (`enabled` option). */
  get enabled(): boolean {
    return this.#config.enabled;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  get logger(): CachesetLogger {
    return this.#config.logger;
  }

  get proxies(): readonly ProxyDescription[] {
    return this.#config.proxies.map((p) => ({
      name: p.name,
      url: p.address.href,
      kind: p.kind,
      softPurge: p.softPurge,
      tags: p.tags !== undefined,
      ban: p.ban,
    }));
  }

  /**
   * Queues `object`'s paths and tags in the current unit of work (what a `Purge` event does).
   * Returns what this object added, after rewriting. Disabled or closed: nothing is queued.
   */
  queue(object: object): QueuedPurges {
    const added = new PurgeBatch();
    if (!this.#config.enabled) return added.snapshot();
    this.#assertOpen('queue');
    const adapters = this.#config.adapters;
    if (adapters === undefined) {
      throw purgeError(
        PurgeErrorCodes.INVALID_OPTIONS,
        'queue(object) needs the container (or adapters) option: the paths of an object come from its IPurgePaths adapters.',
      );
    }
    this.#objectsQueued += 1;
    const { relative, absolute, errors } = resolvePurgePaths(adapters, object);
    for (const error of errors) this.#adapterFailed(error);
    for (const path of relative)
      for (const wire of rewriteRelativePath(path, this.#config.virtualHosting)) added.paths.add(wire);
    for (const path of absolute) added.absolutePaths.add(encodePath(path));
    if (this.#config.tags) {
      try {
        for (const tag of resolveSurrogateKeys(adapters, object)) added.tags.add(tag);
      } catch (error) {
        this.#adapterFailed(error);
      }
    }
    if (!added.empty) this.#batches.current().merge(added);
    return added.snapshot();
  }

  /** Queues paths in the current unit of work: relative ones (the default) are rewritten for virtual hosting. */
  purgePaths(paths: Iterable<string>, options: { readonly absolute?: boolean } = {}): void {
    if (!this.#config.enabled) return;
    this.#assertOpen('purgePaths');
    this.#batches.current().merge(
      this.#manualBatch({
        [options.absolute === true ? 'absolutePaths' : 'paths']: checkStrings(
          paths,
          'purgePaths',
          INPUT_ERROR_CODES.paths,
        ),
      }),
    );
  }

  /** Queues tag invalidations (xkey, or the proxy's tag header) in the current unit of work. */
  purgeTags(tags: Iterable<string>): void {
    if (!this.#config.enabled) return;
    this.#assertOpen('purgeTags');
    this.#batches.current().merge(this.#manualBatch({ tags: checkStrings(tags, 'purgeTags', INPUT_ERROR_CODES.tags) }));
  }

  /** Queues a BAN by URL regular expression (Varnish proxies) in the current unit of work. */
  ban(expression: string): void {
    if (!this.#config.enabled) return;
    this.#assertOpen('ban');
    this.#batches.current().merge(this.#manualBatch({ bans: [expression] }));
  }

  /** What the current unit of work (or the implicit batch) has queued so far. */
  pending(): QueuedPurges {
    return (this.#batches.peek() ?? new PurgeBatch()).snapshot();
  }

  /**
   * Sends invalidations now, outside any unit of work, and resolves when every proxy answered or the
   * requests finally failed (the operator endpoint uses it). Throws `ERR_CACHESET_PURGE_DISABLED` when
   * purging is off, and the `INVALID_*` errors for bad input before anything is sent.
   */
  async purgeNow(purge: ManualPurge): Promise<DeliveryReport> {
    if (!this.#config.enabled) throw purgeError(PurgeErrorCodes.DISABLED, 'Cache purging is not enabled.');
    this.#assertOpen('purgeNow');
    return await this.#dispatch(this.#manualBatch(purge));
  }

  /**
   * The synchronous mode for callers that must know: sends the implicit batch and every committed batch
   * now, and waits until every request queued so far has succeeded or finally failed. A unit of work still open is not included
   * (its purges wait for its commit; use `waitForDelivery` to make that commit wait).
   */
  async flush(): Promise<DeliveryReport> {
    this.#batches.releaseImplicit();
    this.#outbox.release();
    const records = await Promise.all(this.#channels.flatMap((channel) => channel.unfinished()));
    return deliveryReport(records);
  }

  /**
   * Graceful shutdown: stops listening for events, sends what is queued (retries that were waiting go
   * at once) and waits up to `timeoutMs` (default 5 000). What is still undelivered then is abandoned,
   * counted as dropped, logged and returned. Closing twice returns the first result.
   */
  close(options: { readonly timeoutMs?: number } = {}): Promise<CloseReport> {
    const timeoutMs = options.timeoutMs ?? 5_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
      return Promise.reject(
        purgeError(
          PurgeErrorCodes.INVALID_OPTIONS,
          `close: timeoutMs must be a whole number of milliseconds, got ${describeValue(timeoutMs)}.`,
          timeoutMs,
        ),
      );
    }
    this.#closing ??= this.#close(timeoutMs);
    return this.#closing;
  }

  statistics(): PurgerStatistics {
    return {
      enabled: this.#config.enabled,
      closed: this.closed,
      proxies: this.#channels.map((c) => c.statistics()),
      objectsQueued: this.#objectsQueued,
      unitsCommitted: this.#unitsCommitted,
      unitsAborted: this.#unitsAborted,
      discardedWithAbortedUnits: this.#discarded,
      implicitBatches: this.#implicitBatches,
      adapterErrors: this.#adapterErrors,
      synchronousBatches: this.#synchronousBatches,
      synchronousTimeouts: this.#synchronousTimeouts,
    };
  }

  /** The last finished purge requests (`historySize`), newest first. */
  history(): readonly PurgeRecord[] {
    return this.#history.list();
  }

  /** The statistics, and the outcomes of the purges in the history, as Prometheus text (format 0.0.4). */
  async metrics(): Promise<string> {
    return await metricsText(this.statistics(), this.#history.list());
  }

  /**
   * Adds the purger's metrics to a prom-client registry, typically the application's (`register`
   * from prom-client), so that they are scraped with its other metrics. Returns the function that
   * removes them again; `close()` removes them too.
   */
  registerMetrics(registry: Registry): () => void {
    const remove = registerPurgeMetrics(registry, {
      statistics: () => this.statistics(),
      history: () => this.#history.list(),
    });
    const registration = (): void => {
      this.#metricsRegistrations.delete(registration);
      remove();
    };
    this.#metricsRegistrations.add(registration);
    return registration;
  }

  async #close(timeoutMs: number): Promise<CloseReport> {
    this.#unsubscribe?.();
    for (const registration of [...this.#metricsRegistrations]) registration();
    this.#batches.releaseImplicit();
    this.#outbox.release();
    const deadline = Date.now() + timeoutMs;
    const results = await Promise.all(this.#channels.map((channel) => channel.close(deadline)));
    this.#reporter.flush();
    const abandoned = results.flatMap((r) => r.abandoned);
    if (abandoned.length > 0) {
      try {
        this.#config.logger.error(
          `cacheset purge: shut down with ${abandoned.length} purge request(s) undelivered after ${timeoutMs} ms; they are counted as dropped.`,
          {
            abandoned: abandoned.map((r) => ({
              proxy: r.proxy,
              method: r.method,
              url: r.url,
              host: r.host,
              attempts: r.attempts,
            })),
          },
        );
      } catch {
        // logging must not break shutdown
      }
    }
    return { clean: abandoned.length === 0, abandoned };
  }

  #assertOpen(what: string): void {
    if (this.#closing !== undefined)
      throw purgeError(PurgeErrorCodes.CLOSED, `${what}: the purger is closed; create a new one to purge again.`);
  }

  #adapterFailed(error: unknown): void {
    this.#adapterErrors += 1;
    const message = error instanceof Error ? error.message : String(error);
    this.#reporter.throttled(
      'error',
      `adapter:${message}`,
      `cacheset purge: ${message} (the object's other paths were still queued)`,
      { error },
    );
  }

  /** Validates and rewrites hand-given invalidations into a batch. */
  #manualBatch(purge: ManualPurge): PurgeBatch {
    if (typeof purge !== 'object' || purge === null)
      throw purgeError(
        PurgeErrorCodes.INVALID_PATH,
        `expected { paths, absolutePaths, tags, bans }, got ${describeValue(purge)}.`,
        purge,
      );
    const batch = new PurgeBatch();
    for (const path of checkStrings(purge.paths ?? [], 'paths', INPUT_ERROR_CODES.paths))
      for (const wire of rewriteRelativePath(path, this.#config.virtualHosting)) batch.paths.add(wire);
    for (const path of checkStrings(purge.absolutePaths ?? [], 'absolutePaths', INPUT_ERROR_CODES.absolutePaths))
      batch.absolutePaths.add(encodePath(path));
    for (const tag of checkStrings(purge.tags ?? [], 'tags', INPUT_ERROR_CODES.tags)) {
      if (!isSurrogateKey(tag))
        throw purgeError(
          PurgeErrorCodes.INVALID_TAG,
          `The tag ${JSON.stringify(tag)} is not a surrogate key: tags are visible ASCII without spaces or commas.`,
          tag,
        );
      batch.tags.add(tag);
    }
    const limit = Math.min(...this.#config.proxies.filter((p) => p.ban).map((p) => p.maxHeaderBytes), 8_192);
    for (const expression of checkStrings(purge.bans ?? [], 'bans', INPUT_ERROR_CODES.bans)) {
      if (!BAN_TEXT.test(expression)) {
        throw purgeError(
          PurgeErrorCodes.INVALID_BAN,
          `The BAN expression ${JSON.stringify(expression)} is empty or contains whitespace, a quote or a control character; write a space as \\x20 in the regular expression.`,
          expression,
        );
      }
      if (expression.length > limit)
        throw purgeError(
          PurgeErrorCodes.INVALID_BAN,
          `The BAN expression is ${expression.length} bytes; proxies accept at most ${limit} in a header.`,
          expression,
        );
      try {
        new RegExp(expression);
      } catch (error) {
        throw purgeError(
          PurgeErrorCodes.INVALID_BAN,
          `The BAN expression ${JSON.stringify(expression)} is not a regular expression: ${error instanceof Error ? error.message : String(error)}.`,
          expression,
        );
      }
      batch.bans.add(expression);
    }
    return batch;
  }

  /**
   * Synchronous mode: sends a unit's batch and resolves when every proxy answered or the requests
   * finally failed, or after `synchronousTimeoutMs`, whichever is first (delivery goes on after that).
   */
  async #deliverSynchronously(batch: PurgeBatch): Promise<void> {
    if (batch.empty) return;
    this.#synchronousBatches += 1;
    const timeoutMs = this.#config.synchronousTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.#dispatch(batch).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!timedOut) return;
    this.#synchronousTimeouts += 1;
    this.#reporter.throttled(
      'warn',
      'synchronous-timeout',
      `cacheset purge: a response waited ${timeoutMs} ms (synchronousTimeoutMs) for purge delivery and goes on; ` +
        'delivery continues in the background, and until it completes a proxy may serve the old content.',
      { timeoutMs, proxies: this.#channels.filter((c) => c.counters.down).map((c) => c.proxy.name) },
    );
  }

  /** A proxy answers again after failures: it may have lost purges (dropped) or its cache (restarted). */
  #returned(channel: ProxyChannel): void {
    const { proxy } = channel;
    if (!this.#config.flushOnReturn || !proxy.ban || this.closed) {
      this.#reporter.throttled(
        'warn',
        `returned:${proxy.name}`,
        `cacheset purge: ${proxy.name} answers again after failures; purges dropped meanwhile are lost` +
          (proxy.ban ? ' (flushOnReturn is off).' : ' (it cannot BAN, so it is not flushed).'),
        { proxy: proxy.name },
      );
      return;
    }
    const built = buildRequests(
      proxy,
      { paths: [], absolutePaths: [], tags: [], bans: ['.'] },
      this.#config.virtualHosting,
    );
    channel.counters.flushes += built.requests.length;
    this.#reporter.throttled(
      'warn',
      `returned:${proxy.name}`,
      `cacheset purge: ${proxy.name} answers again after failures; banning everything it holds for the site, ` +
        'since purges may have been dropped meanwhile and a restarted proxy lost its cache anyway.',
      { proxy: proxy.name },
    );
    for (const request of built.requests) void channel.enqueue(request);
  }

  /** Hands a batch to every proxy; resolves with the outcome of every request. */
  async #dispatch(batch: PurgeBatch): Promise<DeliveryReport> {
    if (batch.empty) return deliveryReport([]);
    const snapshot = batch.snapshot();
    const pending: Promise<PurgeRecord>[] = [];
    const immediate: PurgeRecord[] = [];
    for (const channel of this.#channels) {
      const built = buildRequests(channel.proxy, snapshot, this.#config.virtualHosting);
      for (const request of built.requests) pending.push(channel.enqueue(request));
      const base = { method: '-', path: `${channel.proxy.address.prefix}/`, host: channel.proxy.address.hostHeader };
      for (const u of built.unsupported) {
        immediate.push(
          channel.recordUnsent(
            { ...base, type: u.type, target: u.target },
            'unsupported',
            PurgeErrorCodes.NOT_SUPPORTED_BY_PROXY,
            `${channel.proxy.kind} proxies cannot carry ${u.type === 'tags' ? 'tag purges' : 'BANs'}`,
          ),
        );
      }
      for (const tag of built.oversizedTags) {
        immediate.push(
          channel.recordUnsent(
            { ...base, type: 'tags', target: tag },
            'failed',
            PurgeErrorCodes.INVALID_TAG,
            `the tag is ${tag.length} bytes, longer than maxHeaderBytes (${channel.proxy.maxHeaderBytes})`,
          ),
        );
      }
    }
    return deliveryReport([...immediate, ...(await Promise.all(pending))]);
  }
}

/** Creates a purger and subscribes it to the bus; see `PurgerOptions`. Every option is checked now. */
export function createPurger(options: PurgerOptions): Purger {
  return new Purger(options);
}
