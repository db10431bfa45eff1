import { EventBus, type EventClass, type EventListener } from './EventBus.js';

const key = Symbol.for('cacheset.core.defaultBus@1');
const holder = globalThis as { [key]?: { current: EventBus } };
const slot = (holder[key] ??= { current: new EventBus() });

/** The process-wide bus that `notify` and `subscribe` use and that plugins subscribe to by default. */
export function getDefaultBus(): EventBus {
  return slot.current;
}

/** Installs and returns a fresh default bus (for test set-up). Plugins subscribed to the old one are not moved. */
export function resetDefaultBus(bus: EventBus = new EventBus()): EventBus {
  slot.current = bus;
  return bus;
}

/** `notify` on the default bus. */
export function notify(event: object): void {
  slot.current.notify(event);
}

/** `subscribe` on the default bus. */
export function subscribe<E extends object>(eventClass: EventClass<E>, listener: EventListener<E>): () => void {
  return slot.current.subscribe(eventClass, listener);
}
