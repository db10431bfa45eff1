import { consoleLogger, type CachesetLogger } from '../logging/CachesetLogger.js';
import { PendingWork } from './PendingWork.js';
import { currentUnitOfWork, DEFAULT_WORK_TIMEOUT_MS } from './UnitOfWork.js';

export interface TrackWorkOptions {
  /** What the work is, for logs: 'deleting the disk dumps of a purged object'. */
  readonly label?: string;
  /**
   * Where a failure or an overdue wait is reported for work outside any unit (a unit reports to its
   * own logger). Default: the console.
   */
  readonly logger?: CachesetLogger;
}

const key = Symbol.for('cacheset.core.workOutsideUnits@1');
const holder = globalThis as { [key]?: PendingWork };

/** Work tracked outside any unit of work: one set per process, shared by every copy of this package. */
function outsideUnits(): PendingWork {
  return (holder[key] ??= new PendingWork(DEFAULT_WORK_TIMEOUT_MS, () => 'work outside any unit of work'));
}

/**
 * Registers in-process work that the code which caused it must be able to wait for. Inside a unit
 * of work (an HTTP request, `runInUnitOfWork`) the unit waits for it (`unit.waitFor`): the unit is
 * finished and the response complete only after it. Outside any unit (a script calling `notify`) it
 * joins the process's work outside units, which `whenWorkSettled()` awaits. Cache plugins call this
 * for what a `Purge` starts: deleting dumped files, recording the invalidation in the shared tier.
 */
export function trackWork(work: PromiseLike<unknown>, options: TrackWorkOptions = {}): void {
  const label = options.label ?? 'in-process work';
  const unit = currentUnitOfWork();
  if (unit !== undefined && !unit.finished) unit.waitFor(work, label);
  else outsideUnits().add(work, label, options.logger ?? consoleLogger);
}

/**
 * Resolves when the work tracked so far by the calling code has settled (or passed its deadline,
 * 5 s a piece): the current unit's work, and the work tracked outside any unit. Never rejects.
 *
 * @example
 * notify(new Purge(image));  // from a script, outside any unit of work
 * await whenWorkSettled();    // the dumped files are deleted, the RAM tier's record is in Redis
 */
export function whenWorkSettled(): Promise<void> {
  const unit = currentUnitOfWork();
  const outside = outsideUnits();
  if (unit === undefined || !unit.hasPendingWork) return outside.settled();
  return Promise.all([unit.settled(), outside.settled()]).then(() => undefined);
}
