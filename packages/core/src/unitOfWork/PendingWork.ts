import { CoreErrorCodes } from '../errors/errorCodes.js';
import type { CachesetLogger } from '../logging/CachesetLogger.js';

/** One piece of work: settles (never rejects) when the work does. */
class Tracked {
  readonly label: string;
  readonly deadline: number;
  readonly logger: CachesetLogger;
  /** Work that starts after the other work settled (`addLast`): the others never wait for it. */
  readonly last: boolean;
  done!: Promise<void>;

  constructor(label: string, deadline: number, logger: CachesetLogger, last: boolean) {
    this.label = label;
    this.deadline = deadline;
    this.logger = logger;
    this.last = last;
  }
}

/** Past this many items, `add` drops overdue ones first: work nobody waits for must not pile up. */
const PRUNE_ABOVE = 64;

function log(logger: CachesetLogger, message: string, details: Readonly<Record<string, unknown>>): void {
  try {
    logger.error(message, details);
  } catch {
    // A broken logger must not turn a reported failure into a thrown one.
  }
}

/**
 * In-process work that someone must wait for before going on: the deletion of dumped files, the
 * record of an invalidation in Redis. Each piece has a deadline (`timeoutMs` after it was added), so
 * a wait is bounded: work still running at its deadline is reported once
 * (`ERR_CACHESET_WORK_TIMEOUT`) and no longer waited for, though it goes on in the background. Work
 * that fails is reported (`ERR_CACHESET_WORK_FAILED`) and counts as settled. Nothing here throws.
 */
export class PendingWork {
  readonly #timeoutMs: number;
  readonly #owner: () => string;
  readonly #items = new Set<Tracked>();

  /** `owner` names who waits, for the reports ("the unit of work 'POST /flag/cat'"). */
  constructor(timeoutMs: number, owner: () => string) {
    this.#timeoutMs = timeoutMs;
    this.#owner = owner;
  }

  /** Pieces of work neither settled nor given up on. */
  get size(): number {
    return this.#items.size;
  }

  add(work: PromiseLike<unknown>, label: string, logger: CachesetLogger): void {
    this.#add(work, label, logger, false);
  }

  /**
   * Adds work that `start` begins only once every other piece (added before the next turn of the event
   * loop or while waiting, except other `addLast` work) has settled or passed its deadline: proxy purges go after the local copies
   * they would otherwise re-fetch are gone. Until then it counts as pending, so a held response waits.
   */
  addLast(start: () => PromiseLike<unknown>, label: string, logger: CachesetLogger): void {
    // One turn of the event loop first: work the same event starts in its other listeners registers then.
    const others = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.settled(true));
    this.#add(
      others.then(() => start()),
      label,
      logger,
      true,
    );
  }

  #add(work: PromiseLike<unknown>, label: string, logger: CachesetLogger, last: boolean): void {
    if (this.#items.size > PRUNE_ABOVE) this.#dropOverdue(Date.now());
    const item = new Tracked(label, Date.now() + this.#timeoutMs, logger, last);
    item.done = Promise.resolve(work).then(
      () => {
        this.#items.delete(item);
      },
      (error: unknown) => {
        this.#items.delete(item);
        log(logger, `cacheset: ${label} failed (for ${this.#owner()}); a cache may keep the old content.`, {
          code: CoreErrorCodes.WORK_FAILED,
          error,
        });
      },
    );
    this.#items.add(item);
  }

  /**
   * Resolves when every piece of work added so far, and any added while waiting, has settled or
   * passed its deadline. Never rejects.
   */
  async settled(othersOnly = false): Promise<void> {
    for (;;) {
      const items = othersOnly ? [...this.#items].filter((item) => !item.last) : [...this.#items];
      if (items.length === 0) return;
      let earliest = Infinity;
      for (const item of items) earliest = Math.min(earliest, item.deadline);
      let timer: NodeJS.Timeout | undefined;
      const overdue = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, earliest - Date.now()));
      });
      await Promise.race([Promise.all(items.map((item) => item.done)), overdue]);
      clearTimeout(timer);
      this.#dropOverdue(Date.now());
    }
  }

  #dropOverdue(now: number): void {
    for (const item of this.#items) {
      if (item.deadline > now) continue;
      this.#items.delete(item);
      log(
        item.logger,
        `cacheset: ${this.#owner()} waited ${this.#timeoutMs} ms for ${item.label} and goes on without it; ` +
          'the work continues in the background, and until it completes a cache may serve the old content.',
        { code: CoreErrorCodes.WORK_TIMEOUT, work: item.label },
      );
    }
  }
}
