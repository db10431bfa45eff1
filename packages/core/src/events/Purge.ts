import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { describeValue } from '../names/dottedName.js';

/**
 * "This object changed: drop every cached copy of it." Every cache plugin listens: the RAM cache drops
 * entries, the filesystem cache deletes files, the purger sends PURGE requests to proxies. Paths are
 * computed from the object's `IPurgePaths` adapters when the event is handled, so fire it while the
 * object is still where the paths say. It is safe to fire many times: each path is purged once per unit
 * of work.
 *
 * @example
 * bus.notify(new Purge(image));
 */
export class Purge {
  readonly object: object;

  constructor(object: object) {
    if ((typeof object !== 'object' && typeof object !== 'function') || object === null) {
      throw new CachesetError(
        CoreErrorCodes.INVALID_EVENT,
        `new Purge(object): expected the changed object, got ${describeValue(object)}.`,
        { details: { value: object } },
      );
    }
    this.object = object;
  }
}
