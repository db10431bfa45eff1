import { Pool } from 'undici';
import type { ResolvedProxy } from '../config/resolveOptions.js';
import { PurgeErrorCodes, type PurgeErrorCode } from '../errors/purgeErrorCodes.js';
import type { PurgeRequest } from '../proxies/PurgeRequest.js';
import type { PurgeHistory } from '../stats/PurgeHistory.js';
import type { PurgeOutcome, PurgeRecord } from '../stats/PurgeRecord.js';
import { ProxyCounters, type ProxyStatistics } from '../stats/ProxyCounters.js';
import { backoffDelay } from './backoff.js';
import { classifyStatus } from './classifyStatus.js';
import { sendRequest } from './sendRequest.js';
import { type OnceLogger } from '@cacheset/core/internal';

type JobState = 'ready' | 'in-flight' | 'waiting' | 'done';

interface Job {
  readonly request: PurgeRequest;
  readonly queuedAt: number;
  state: JobState;
  attempts: number;
  firstSentAt: number | undefined;
  timer: NodeJS.Timeout | undefined;
  status: number | undefined;
  detail: string;
  readonly done: Promise<PurgeRecord>;
  resolve(record: PurgeRecord): void;
}

/** Shared by every channel of one purger: record ids, the history and the log. */
export interface ChannelContext {
  readonly history: PurgeHistory;
  readonly reporter: OnceLogger;
  nextId(): number;
  /** The proxy answered again after failures (it may have restarted with an empty cache). */
  returned(channel: ProxyChannel): void;
}

/** What was left when a channel closed. */
export interface ChannelCloseResult {
  readonly abandoned: readonly PurgeRecord[];
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/**
 * Errors that asking again cannot fix: a malformed request (a bug), or a certificate that does not
 * verify (a configuration mistake: retrying for half a minute would only hide it).
 */
const PERMANENT_ERRORS = new Set([
  'UND_ERR_INVALID_ARG',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function permanentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && PERMANENT_ERRORS.has(code);
}

/**
 * Everything about delivering to one proxy: a keep-alive connection pool (undici `Pool`, one per
 * proxy), a bounded FIFO queue with de-duplication of waiting requests, at most `concurrency ×
 * pipelining` requests in flight, retries with back-off, counters, and a graceful close.
 *
 * Nothing here throws at the caller: every request ends as a `PurgeRecord` (succeeded, failed or
 * dropped) that is counted, kept in the history, and logged when it is not a success.
 */
export class ProxyChannel {
  readonly proxy: ResolvedProxy;
  readonly counters = new ProxyCounters();
  readonly #context: ChannelContext;
  readonly #pool: Pool;
  /** Jobs waiting for a free slot, oldest first. */
  readonly #ready = new Set<Job>();
  /** Jobs waiting for their retry timer. */
  readonly #waiting = new Set<Job>();
  /** Not yet sent (ready or waiting) by signature: a duplicate joins the waiting job instead. */
  readonly #bySignature = new Map<string, Job>();
  /** Every unfinished job. */
  readonly #jobs = new Set<Job>();
  #inFlight = 0;
  #closing = false;
  #abandoning = false;

  constructor(proxy: ResolvedProxy, context: ChannelContext) {
    this.proxy = proxy;
    this.#context = context;
    const { delivery, tls } = proxy;
    this.#pool = new Pool(proxy.address.origin, {
      connections: delivery.concurrency,
      pipelining: delivery.pipelining,
      headersTimeout: delivery.timeoutMs,
      bodyTimeout: delivery.timeoutMs,
      connect: {
        timeout: delivery.connectTimeoutMs,
        ...(tls?.ca === undefined ? {} : { ca: tls.ca as string | Buffer | (string | Buffer)[] }),
        ...(tls?.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
        ...(tls?.servername === undefined ? {} : { servername: tls.servername }),
      },
    });
  }

  get pending(): number {
    return this.#jobs.size;
  }

  statistics(): ProxyStatistics {
    return this.counters.snapshot(
      { name: this.proxy.name, url: this.proxy.address.href, kind: this.proxy.kind },
      this.#jobs.size,
      this.#inFlight,
    );
  }

  /** Promises of every unfinished request (for `flush()`). */
  unfinished(): Promise<PurgeRecord>[] {
    return [...this.#jobs].map((job) => job.done);
  }

  /** Queues one request. Resolves when it finally succeeded, failed or was dropped; never rejects. */
  enqueue(request: PurgeRequest): Promise<PurgeRecord> {
    const queuedAt = Date.now();
    if (this.#closing) {
      return Promise.resolve(
        this.#finishUnsent(
          request,
          queuedAt,
          'dropped',
          PurgeErrorCodes.CLOSED,
          'the purger is shut down; nothing more is sent',
        ),
      );
    }
    const twin = this.#bySignature.get(request.signature);
    if (twin !== undefined) {
      this.counters.coalesced += 1;
      // A twin sleeping before its retry goes now: the new purge must not wait out an old back-off
      // (the proxy may be back), and a synchronous edit is waiting for it.
      if (twin.state === 'waiting') this.#wake(twin);
      return twin.done;
    }
    if (this.#jobs.size >= this.proxy.delivery.maxQueue) {
      return Promise.resolve(
        this.#finishUnsent(
          request,
          queuedAt,
          'dropped',
          PurgeErrorCodes.QUEUE_FULL,
          `the queue of ${this.proxy.name} is full (maxQueue ${this.proxy.delivery.maxQueue})`,
        ),
      );
    }
    let resolve!: (record: PurgeRecord) => void;
    const done = new Promise<PurgeRecord>((r) => {
      resolve = r;
    });
    const job: Job = {
      request,
      queuedAt,
      state: 'ready',
      attempts: 0,
      firstSentAt: undefined,
      timer: undefined,
      status: undefined,
      detail: '',
      done,
      resolve,
    };
    this.counters.queued += 1;
    this.#jobs.add(job);
    this.#ready.add(job);
    this.#bySignature.set(request.signature, job);
    this.#pump();
    return done;
  }

  /** Records an invalidation this proxy cannot carry, without sending anything. */
  recordUnsent(
    request: Pick<PurgeRequest, 'type' | 'method' | 'path' | 'host' | 'target'>,
    outcome: PurgeOutcome,
    code: PurgeErrorCode,
    detail: string,
  ): PurgeRecord {
    return this.#finishUnsent(request, Date.now(), outcome, code, detail);
  }

  /**
   * Stops taking requests, sends what is queued (retries that were waiting go now), and waits until
   * everything is delivered or `deadline` (epoch ms) passes; what is left then is abandoned: counted
   * as dropped, recorded, and returned.
   */
  async close(deadline: number): Promise<ChannelCloseResult> {
    this.#closing = true;
    for (const job of [...this.#waiting]) this.#wake(job);
    const unfinished = this.unfinished();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.all(unfinished).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), Math.max(0, deadline - Date.now()));
      }),
    ]);
    clearTimeout(timer);
    const abandoned: PurgeRecord[] = [];
    if (timedOut) {
      this.#abandoning = true;
      for (const job of [...this.#jobs]) {
        if (job.state === 'in-flight') continue;
        abandoned.push(this.#abandon(job));
      }
      // In-flight requests fail with UND_ERR_DESTROYED and are abandoned by #send.
      const inFlight = [...this.#jobs].map((job) => job.done);
      await this.#pool.destroy().catch(() => undefined);
      for (const record of await Promise.all(inFlight)) abandoned.push(record);
    } else {
      await this.#pool.close().catch(() => undefined);
    }
    return { abandoned };
  }

  #pump(): void {
    const limit = this.proxy.delivery.concurrency * this.proxy.delivery.pipelining;
    while (this.#inFlight < limit && this.#ready.size > 0 && !this.#abandoning) {
      const job = this.#ready.values().next().value as Job;
      this.#ready.delete(job);
      if (this.#bySignature.get(job.request.signature) === job) this.#bySignature.delete(job.request.signature);
      void this.#send(job);
    }
  }

  async #send(job: Job): Promise<void> {
    const { request } = job;
    const { proxy } = this;
    job.state = 'in-flight';
    job.attempts += 1;
    job.firstSentAt ??= Date.now();
    this.#inFlight += 1;
    this.counters.sent += 1;
    let verdict: 'success' | 'retry' | 'reject' | 'broken';
    try {
      const answer = await sendRequest(this.#pool, request);
      job.status = answer.status;
      verdict = classifyStatus(answer.status);
      job.detail =
        verdict === 'success'
          ? answer.detail
          : `${proxy.name} answered ${answer.status}${answer.detail === '' ? '' : `: ${answer.detail}`}`;
    } catch (error) {
      job.status = undefined;
      job.detail = errorText(error);
      verdict = permanentError(error) ? 'broken' : 'retry';
    }
    this.#inFlight -= 1;
    this.#noteHealth(job.status !== undefined, verdict);
    if (this.#abandoning) {
      this.#finish(
        job,
        verdict === 'success' ? 'succeeded' : 'dropped',
        verdict === 'success' ? undefined : PurgeErrorCodes.ABANDONED,
      );
    } else if (verdict === 'success') {
      this.#finish(job, 'succeeded', undefined);
    } else if (verdict === 'reject') {
      this.#finish(job, 'failed', PurgeErrorCodes.REJECTED);
    } else if (verdict === 'broken') {
      this.#finish(job, 'failed', PurgeErrorCodes.DELIVERY_FAILED);
    } else if (job.attempts < proxy.delivery.retry.attempts) {
      this.counters.retried += 1;
      this.#wait(job, this.#closing ? 0 : backoffDelay(proxy.delivery.retry, job.attempts));
    } else {
      this.#finish(job, 'failed', PurgeErrorCodes.DELIVERY_FAILED);
    }
    this.#pump();
  }

  /**
   * Down when an attempt got no answer at all (refused, reset, timed out): the proxy stopped or cannot
   * be reached, and may come back with an empty cache. Back at its next HTTP answer of any status.
   */
  #noteHealth(answered: boolean, verdict: 'success' | 'retry' | 'reject' | 'broken'): void {
    if (!answered) {
      if (verdict === 'retry') this.counters.down = true;
      return;
    }
    if (!this.counters.down) return;
    this.counters.down = false;
    this.counters.returns += 1;
    if (!this.#closing) this.#context.returned(this);
  }

  #wait(job: Job, delayMs: number): void {
    job.state = 'waiting';
    this.#waiting.add(job);
    if (!this.#bySignature.has(job.request.signature)) this.#bySignature.set(job.request.signature, job);
    // Referenced on purpose: a script that fired purges stays alive until they are delivered or failed.
    job.timer = setTimeout(() => this.#wake(job), delayMs);
  }

  #wake(job: Job): void {
    if (job.state !== 'waiting') return;
    clearTimeout(job.timer);
    job.timer = undefined;
    this.#waiting.delete(job);
    job.state = 'ready';
    this.#ready.add(job);
    this.#pump();
  }

  #abandon(job: Job): PurgeRecord {
    clearTimeout(job.timer);
    this.#ready.delete(job);
    this.#waiting.delete(job);
    return this.#finish(job, 'dropped', PurgeErrorCodes.ABANDONED);
  }

  #finish(job: Job, outcome: PurgeOutcome, code: PurgeErrorCode | undefined): PurgeRecord {
    job.state = 'done';
    this.#jobs.delete(job);
    if (this.#bySignature.get(job.request.signature) === job) this.#bySignature.delete(job.request.signature);
    const { request } = job;
    const detail =
      code === PurgeErrorCodes.ABANDONED
        ? `shut down before delivery${job.detail === '' ? '' : ` (last: ${job.detail})`}`
        : job.detail;
    const record = this.#record(
      request,
      outcome,
      job.status,
      job.attempts,
      job.queuedAt,
      job.firstSentAt,
      code,
      detail,
    );
    job.resolve(record);
    return record;
  }

  #finishUnsent(
    request: Pick<PurgeRequest, 'type' | 'method' | 'path' | 'host' | 'target'>,
    queuedAt: number,
    outcome: PurgeOutcome,
    code: PurgeErrorCode,
    detail: string,
  ): PurgeRecord {
    return this.#record(request, outcome, undefined, 0, queuedAt, undefined, code, detail);
  }

  #record(
    request: Pick<PurgeRequest, 'type' | 'method' | 'path' | 'host' | 'target'>,
    outcome: PurgeOutcome,
    status: number | undefined,
    attempts: number,
    queuedAt: number,
    firstSentAt: number | undefined,
    code: PurgeErrorCode | undefined,
    detail: string,
  ): PurgeRecord {
    const { proxy } = this;
    const finishedAt = Date.now();
    const url = proxy.address.absoluteForm ? request.path : `${proxy.address.origin}${request.path}`;
    const record: PurgeRecord = {
      id: this.#context.nextId(),
      proxy: proxy.name,
      type: request.type,
      method: request.method,
      url,
      host: request.host,
      target: request.target,
      outcome,
      status,
      attempts,
      queuedAt,
      firstSentAt,
      finishedAt,
      code,
      detail,
    };
    const c = this.counters;
    if (outcome === 'succeeded') {
      c.succeeded += 1;
      c.lastSuccessAt = finishedAt;
    } else {
      if (outcome === 'failed') c.failed += 1;
      else if (outcome === 'dropped') c.dropped += 1;
      else c.unsupported += 1;
      if (outcome !== 'unsupported') c.lastFailureAt = finishedAt;
      const level = outcome === 'unsupported' ? 'warn' : 'error';
      this.#context.reporter.throttled(
        level,
        `${proxy.name}:${outcome}:${code ?? ''}`,
        `cacheset purge: ${request.method} ${url} (Host: ${request.host}) to ${proxy.name} ${outcome === 'unsupported' ? 'is not supported' : outcome}${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${detail}`,
        { proxy: proxy.name, outcome, code, url, host: request.host, target: request.target, status, attempts },
      );
    }
    this.#context.history.add(record);
    return record;
  }
}
