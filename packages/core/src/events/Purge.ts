import { ObjectEvent } from './lifecycleEvents.js';

/**
 * "This object changed: drop every cached copy of it." Every cache plugin listens: the RAM cache drops
 * entries, the filesystem cache deletes files, the purger sends PURGE requests to proxies. Paths are
 * computed from the object's `IPurgePaths` adapters when the event is handled, so fire it while the
 * object is still where the paths say. It is safe to fire many times: each path is purged once per unit
 * of work. Like z3c.caching's, it is an object event: `ObjectEvent` listeners hear it too.
 *
 * @example
 * bus.notify(new Purge(image));
 */
export class Purge extends ObjectEvent {}
