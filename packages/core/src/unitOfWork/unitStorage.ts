import { AsyncLocalStorage } from 'node:async_hooks';
import type { UnitOfWork } from './UnitOfWork.js';

/**
 * What the storage holds for a unit: the unit, until it finished. Every async resource created while
 * a unit's code runs keeps the storage's value for as long as it lives, and some live long: the
 * keep-alive timer Node arms on a socket when a response finishes belongs to that connection, not to
 * the request. Holding the unit itself there kept each connection's last request (its response, the
 * session, the exchange) alive until the next one: half of what survived each scavenge of the node
 * adapter's rendered 200 under load. Emptying the cell when the unit finishes lets them go; code
 * still running then finds no unit, which behaves as a finished one would.
 */
export class UnitCell {
  unit: UnitOfWork | undefined;

  constructor(unit: UnitOfWork) {
    this.unit = unit;
  }
}

// One storage per process, whatever copies of this package are loaded: a unit opened by one copy
// must be the current unit for code that imports another. The version in the key is that of what
// the storage holds (a UnitCell since @2).
const storageKey = Symbol.for('cacheset.core.unitOfWorkStorage@2');
const holdsKey = Symbol.for('cacheset.core.unitOfWorkStorageHolds@2');
const holder = globalThis as {
  [storageKey]?: AsyncLocalStorage<UnitCell>;
  [holdsKey]?: { count: number };
};

/** The storage that makes a unit the current one for everything its code calls, sync or async. */
export function unitStorage(): AsyncLocalStorage<UnitCell> {
  return (holder[storageKey] ??= new AsyncLocalStorage<UnitCell>());
}

function holds(): { count: number } {
  return (holder[holdsKey] ??= { count: 0 });
}

/** How many holds are taken now (units that ran and have not finished, dry units not yet collected). */
export function unitStorageHolds(): number {
  return holds().count;
}

/**
 * Takes a hold on the storage for a unit whose code is about to run. While any hold is taken, the
 * storage stays enabled; `run` enables it again itself after a release.
 */
export function holdUnitStorage(): void {
  holds().count += 1;
}

// Dry units (explained requests) are released when they are collected: an event fired by their code
// after they finished must still be found inside them and suppressed, and their code can only run
// while something still references them.
const dryUnits = new FinalizationRegistry<undefined>(() => releaseUnitStorage());

/** `holdUnitStorage` for a dry unit: the hold is released when `unit` is garbage collected. */
export function holdUnitStorageUntilCollected(unit: UnitOfWork): void {
  holdUnitStorage();
  dryUnits.register(unit, undefined);
}

/**
 * Releases a hold; the last one disables the storage. On Node 20 an enabled AsyncLocalStorage runs
 * a hook at the creation of every async resource in the process (each request's socket writes,
 * timers, ticks): about 3 µs of a RAM hit or prepared 304 that opens no unit at all. A unit that has
 * finished waits for nothing, so code running after that behaves the same whether it is found inside
 * the finished unit or outside any unit (`trackWork`, `notify`, `runInUnitOfWork` all check).
 */
export function releaseUnitStorage(): void {
  const held = holds();
  if (held.count > 0) held.count -= 1;
  if (held.count === 0) unitStorage().disable();
}
