import { currentUnitOfWork, Purge, type EventBus } from '@cacheset/core';

/**
 * Subscribes the manager to `Purge` events. A purge is applied at once (this request and every
 * other process stop serving the object now) and, inside a unit of work, once more when the unit
 * commits: a request that read the old data before the commit may have stored it in between, and
 * the second pass (de-duplicated per unit) removes that copy. The second pass runs inside the unit,
 * so the unit also waits for its record in the shared tier.
 */
export function listenForPurges(bus: EventBus, purge: (object: unknown) => void): () => void {
  // One state slot per subscription: two managers on one bus each repeat their own purges.
  const unitState = Symbol('cacheset.ram.purgesInUnit');
  return bus.subscribe(Purge, (event) => {
    purge(event.object);
    const unit = currentUnitOfWork();
    if (unit === undefined || unit.status !== 'open') return;
    const objects = unit.state(unitState, () => new Set<unknown>());
    if (objects.has(event.object)) return;
    objects.add(event.object);
    unit.onCommit((committed) => committed.run(() => purge(event.object)));
  });
}
