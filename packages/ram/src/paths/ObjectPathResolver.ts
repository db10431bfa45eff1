import { describeValue, findViewAdapter, type AdapterLookup } from '@cacheset/core';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';
import { assertPath } from './canonicalPath.js';
import { IObjectPath } from './IObjectPath.js';

/**
 * Knows the path of an object: a string target is a path already; otherwise the `objectPath` option
 * is asked first, then the most specific `IObjectPath` adapter (a view delegating to its context).
 */
export class ObjectPathResolver {
  readonly #option: ((object: object) => string | undefined) | undefined;
  readonly #adapters: AdapterLookup | undefined;

  constructor(option: ((object: object) => string | undefined) | undefined, adapters: AdapterLookup | undefined) {
    this.#option = option;
    this.#adapters = adapters;
  }

  /** The path of `target`, or undefined when nothing knows it. Throws for a path that is malformed. */
  find(target: unknown, where: string): string | undefined {
    if (typeof target === 'string') {
      assertPath(target, where);
      return target;
    }
    if (typeof target !== 'object' || target === null) {
      throw ramError(
        RamErrorCodes.INVALID_ARGUMENT,
        `${where}: expected an object or its path ("/images/cat"), got ${describeValue(target)}.`,
        target,
      );
    }
    if (this.#option !== undefined) {
      const path = this.#option(target);
      if (path !== undefined) {
        assertPath(path, `${where}: the objectPath option's answer for ${describeValue(target)}`);
        return path;
      }
    }
    if (this.#adapters === undefined) return undefined;
    const found = findViewAdapter(this.#adapters, target, IObjectPath);
    if (found === undefined) return undefined;
    const adapter = this.#adapters.create(found.match, found.object);
    if (adapter === undefined) return undefined;
    if (typeof (adapter as Partial<IObjectPath>).getPath !== 'function') {
      throw ramError(
        RamErrorCodes.INVALID_ARGUMENT,
        `${where}: the IObjectPath adapter for ${describeValue(found.object)} returned ${describeValue(adapter)}, which has no getPath() method.`,
        adapter,
      );
    }
    const path = adapter.getPath();
    assertPath(path, `${where}: the IObjectPath adapter for ${describeValue(found.object)}`);
    return path;
  }

  /** Like `find`, but an unknown path is `ERR_CACHESET_RAM_NO_OBJECT_PATH`. */
  require(target: unknown, where: string): string {
    const path = this.find(target, where);
    if (path !== undefined) return path;
    throw ramError(
      RamErrorCodes.NO_OBJECT_PATH,
      `${where}: no path is known for ${describeValue(target)}. Pass its path ("/images/cat"), give the manager an objectPath option, or bind an IObjectPath adapter for its class in the container.`,
      target,
    );
  }
}
