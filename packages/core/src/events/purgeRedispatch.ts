import { provides } from '../interfaces/resolutionOrder.js';
import type { EventBus } from './EventBus.js';
import { IPurgeable } from './IPurgeable.js';
import {
  ObjectAddedEvent,
  ObjectModifiedEvent,
  ObjectMovedEvent,
  ObjectWillBeMovedEvent,
  type ObjectLocationEvent,
} from './lifecycleEvents.js';
import { Purge } from './Purge.js';

/**
 * z3c.caching's handlers: for `IPurgeable` objects, modified → Purge; moved, renamed, removed and
 * will-be-moved → Purge when the object had a previous location (an old name); added → nothing.
 * Returns a function that removes the handlers.
 */
export function installPurgeRedispatch(bus: EventBus): () => void {
  const hadLocation = (event: ObjectLocationEvent): boolean =>
    !(event instanceof ObjectAddedEvent) && event.oldName !== undefined;
  const offs = [
    bus.subscribe(ObjectModifiedEvent, function purgeModified(event) {
      if (provides(event.object, IPurgeable)) bus.notify(new Purge(event.object));
    }),
    bus.subscribe(ObjectMovedEvent, function purgeMoved(event) {
      if (hadLocation(event) && provides(event.object, IPurgeable)) bus.notify(new Purge(event.object));
    }),
    bus.subscribe(ObjectWillBeMovedEvent, function purgeWillBeMoved(event) {
      if (hadLocation(event) && provides(event.object, IPurgeable)) bus.notify(new Purge(event.object));
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
