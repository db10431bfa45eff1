import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { describeValue } from '../names/dottedName.js';
import { isInterfaceToken, type InterfaceToken } from './InterfaceToken.js';

/** Any class (constructor function), abstract or not. */
export type AnyClass = abstract new (...args: never[]) => unknown;

/** What rules and adapters are registered on: a class, or an interface token. */
export type Spec = AnyClass | InterfaceToken;

/**
 * A constructor function: one with a prototype (arrow functions and bound functions have none).
 * `Function.prototype` is itself a function, hence the second case.
 */
export function isClass(value: unknown): value is AnyClass {
  if (typeof value !== 'function') return false;
  const proto = (value as { prototype?: unknown }).prototype;
  return (typeof proto === 'object' && proto !== null) || typeof proto === 'function';
}

export function isSpec(value: unknown): value is Spec {
  return isClass(value) || isInterfaceToken(value);
}

export function specName(spec: Spec): string {
  return isInterfaceToken(spec) ? spec.name : spec.name || '(anonymous class)';
}

export function assertSpec(value: unknown, where: string): asserts value is Spec {
  if (isSpec(value)) return;
  throw new CachesetError(
    CoreErrorCodes.INVALID_TARGET,
    `${where}: expected a class or an interface token, got ${describeValue(value)}. Register rules and adapters on a class (e.g. FrontpageView) or a token made with defineInterface(); to mark a single object, use alsoProvides(object, token).`,
    { details: { value } },
  );
}
