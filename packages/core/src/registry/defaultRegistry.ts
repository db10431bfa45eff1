import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import type { Spec } from '../interfaces/Spec.js';
import { RulesetRegistry } from './RulesetRegistry.js';
import type { RulesetType } from './RulesetType.js';

const key = Symbol.for('cacheset.core.defaultRegistry@1');
const holder = globalThis as { [key]?: { current: RulesetRegistry | undefined } };
const slot = (holder[key] ??= { current: new RulesetRegistry() });

/** The registry the module-level functions use, or undefined after `setDefaultRegistry(undefined)`. */
export function getDefaultRegistry(): RulesetRegistry | undefined {
  return slot.current;
}

/** Replaces the default registry; `undefined` leaves none, so that only `lookup` keeps working. */
export function setDefaultRegistry(registry: RulesetRegistry | undefined): void {
  if (registry !== undefined && !(registry instanceof RulesetRegistry)) {
    throw new CachesetError(
      CoreErrorCodes.INVALID_ARGUMENT,
      'setDefaultRegistry: expected a RulesetRegistry or undefined.',
    );
  }
  slot.current = registry;
}

/** Installs and returns a fresh, empty default registry (for test set-up). */
export function resetDefaultRegistry(): RulesetRegistry {
  slot.current = new RulesetRegistry();
  return slot.current;
}

function required(operation: string): RulesetRegistry {
  if (slot.current === undefined) {
    throw new CachesetError(
      CoreErrorCodes.NO_DEFAULT_REGISTRY,
      `${operation}: there is no default ruleset registry. Call resetDefaultRegistry() or setDefaultRegistry(new RulesetRegistry()) first, or use a RulesetRegistry instance directly.`,
    );
  }
  return slot.current;
}

/** `register` on the default registry. */
export function register(target: Spec, ruleset: string): void {
  required('register').register(target, ruleset);
}

/** `unregister` on the default registry. */
export function unregister(target: Spec): void {
  required('unregister').unregister(target);
}

/** `lookup` on the default registry; undefined when there is no default registry. */
export function lookup(value: unknown): string | undefined {
  return slot.current?.lookup(value);
}

/** `declareType` on the default registry. */
export function declareType(name: string, title: string, description?: string): void {
  required('declareType').declareType(name, title, description);
}

/** `enumerateTypes` on the default registry. */
export function enumerateTypes(): readonly RulesetType[] {
  return required('enumerateTypes').enumerateTypes();
}

/** `setExplicitMode` on the default registry; no argument turns explicit mode on. */
export function setExplicitMode(mode = true): void {
  required('setExplicitMode').setExplicitMode(mode);
}
