import { currentUnitOfWork, type UnitOfWork } from '@cacheset/core';
import { PurgeBatch } from './PurgeBatch.js';

/** What happens to a batch when its unit of work ends. */
export interface BatchHandlers {
  /** The unit committed: send. The returned promise is awaited by the commit in synchronous mode. */
  commit(batch: PurgeBatch): Promise<void> | undefined;
  /** The unit aborted: the batch is discarded. */
  abort(batch: PurgeBatch): void;
  /** A batch fired outside any open unit: sent on the next tick (setImmediate). */
  implicit(batch: PurgeBatch): void;
  /**
   * Synchronous mode: the unit's in-process work has settled; send now. The unit waits for the
   * returned promise (which the purger bounds by its timeout).
   */
  deliver(batch: PurgeBatch): Promise<void>;
}

/**
 * Finds the batch that purges fired now belong to:
 * - inside an open unit of work (an HTTP request, `runInUnitOfWork`), the unit's own batch, sent when
 *   the unit commits and discarded when it aborts;
 * - in synchronous mode, inside an open unit, the unit's batch is sent as soon as the unit's other
 *   in-process work has settled, and the unit waits for its delivery; purges fired later in the unit
 *   start another batch;
 * - outside any open unit (a script, a timer, code that runs after its request finished), an implicit
 *   batch shared by everything fired in the same turn of the event loop and sent on the next one. Such
 *   purges are never dropped (plone.cachepurging dropped them silently); they have no abort either.
 */
export class UnitBatches {
  /** Per unit and per purger (two purgers keep separate batches). Weak: a finished unit is collected. */
  readonly #batches = new WeakMap<UnitOfWork, PurgeBatch>();
  /** Synchronous mode: the batch of each unit not yet handed to `deliver`. */
  readonly #unsent = new WeakMap<UnitOfWork, PurgeBatch>();
  readonly #handlers: BatchHandlers;
  readonly #synchronous: boolean;
  #implicit: PurgeBatch | undefined;
  #immediate: NodeJS.Immediate | undefined;

  constructor(handlers: BatchHandlers, synchronous = false) {
    this.#handlers = handlers;
    this.#synchronous = synchronous;
  }

  current(): PurgeBatch {
    const unit = currentUnitOfWork();
    if (unit !== undefined && unit.status === 'open' && this.#synchronous) {
      let batch = this.#unsent.get(unit);
      if (batch === undefined) {
        const created = new PurgeBatch();
        this.#unsent.set(unit, created);
        // After the unit's other work: a proxy purged before the dumped file or the RAM copy is gone
        // could fetch the old page again from them and keep it.
        unit.waitForAfterOtherWork(() => {
          this.#unsent.delete(unit);
          return this.#handlers.deliver(created);
        }, 'delivering purges to the caching proxies');
        batch = created;
      }
      return batch;
    }
    if (unit !== undefined && unit.status === 'open') {
      let batch = this.#batches.get(unit);
      if (batch === undefined) {
        const created = new PurgeBatch();
        unit.onCommit(() => this.#handlers.commit(created));
        unit.onAbort(() => this.#handlers.abort(created));
        this.#batches.set(unit, created);
        batch = created;
      }
      return batch;
    }
    if (this.#implicit === undefined) {
      this.#implicit = new PurgeBatch();
      // Referenced: a script that fires a purge and ends still sends it.
      this.#immediate = setImmediate(() => this.releaseImplicit());
    }
    return this.#implicit;
  }

  /** The current batch if one exists, without creating it. */
  peek(): PurgeBatch | undefined {
    const unit = currentUnitOfWork();
    if (unit !== undefined && unit.status === 'open')
      return (this.#synchronous ? this.#unsent : this.#batches).get(unit);
    return this.#implicit;
  }

  /** Sends the implicit batch now (flush, close, or the scheduled tick). */
  releaseImplicit(): void {
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#immediate = undefined;
    const batch = this.#implicit;
    this.#implicit = undefined;
    if (batch !== undefined && !batch.empty) this.#handlers.implicit(batch);
  }
}
