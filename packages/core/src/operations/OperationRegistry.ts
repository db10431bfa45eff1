import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { describeValue } from '../names/dottedName.js';
import { didYouMean } from '../names/suggestName.js';
import { operationSourceHint } from './operationSources.js';
import type { CachingOperation, OperationOptions } from './CachingOperation.js';
import { chainOperation } from './chainOperation.js';
import { defineOperation } from './defineOperation.js';

export interface OperationRegistryOptions {
  /** Register the core's `chain` operation. Default: true. */
  readonly chain?: boolean;
}

/** Caching operations by name, as plone.caching keeps them as named adapters. */
export class OperationRegistry {
  readonly #operations = new Map<string, CachingOperation>();

  constructor(options: OperationRegistryOptions = {}) {
    if (options.chain ?? true) this.register(chainOperation);
  }

  /** Adds an operation; a second operation with the same name is `ERR_CACHESET_DUPLICATE_OPERATION`. */
  register<O extends OperationOptions>(operation: CachingOperation<O>): void {
    const checked = defineOperation(operation) as unknown as CachingOperation;
    if (this.#operations.has(checked.name)) {
      throw new CachesetError(
        CoreErrorCodes.DUPLICATE_OPERATION,
        `An operation named '${checked.name}' is already registered. Give the new one another name, or unregister('${checked.name}') first.`,
        { details: { name: checked.name } },
      );
    }
    this.#operations.set(checked.name, checked);
  }

  unregister(name: string): boolean {
    return this.#operations.delete(name);
  }

  has(name: string): boolean {
    return this.#operations.has(name);
  }

  get(name: string): CachingOperation | undefined {
    return this.#operations.get(name);
  }

  /** The operation named `name`; throws `ERR_CACHESET_UNKNOWN_OPERATION` (with a suggestion) if none. */
  require(name: string): CachingOperation {
    const operation = this.#operations.get(name);
    if (operation === undefined) {
      throw new CachesetError(
        CoreErrorCodes.UNKNOWN_OPERATION,
        `No caching operation is registered as ${describeValue(name)}.` +
          `${didYouMean(String(name), this.#operations.keys())} ` +
          `Registered: ${[...this.#operations.keys()].join(', ')}.${operationSourceHint(name)}`,
        { details: { name } },
      );
    }
    return operation;
  }

  names(): readonly string[] {
    return [...this.#operations.keys()];
  }

  /** The operations sorted for display: by `sort`, then name. */
  list(): readonly CachingOperation[] {
    return [...this.#operations.values()].sort((a, b) => a.sort - b.sort || a.name.localeCompare(b.name));
  }
}
