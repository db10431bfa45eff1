import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { describeValue } from '../names/dottedName.js';
import { linearize } from './c3.js';
import { Interface, isInterfaceToken, type InterfaceToken } from './InterfaceToken.js';
import { classOf, classResolutionOrder, computeClassResolutionOrder, specResolutionOrder } from './resolutionOrder.js';
import { bumpDeclarationEpoch, bumpProvidesEpoch, declarationState } from './sharedState.js';
import { isClass, specName, type AnyClass, type Spec } from './Spec.js';

function assertTokens(tokens: readonly unknown[], where: string): asserts tokens is readonly InterfaceToken[] {
  if (tokens.length === 0) {
    throw new CachesetError(CoreErrorCodes.INVALID_ARGUMENT, `${where}: give at least one interface token.`);
  }
  for (const token of tokens) {
    if (!isInterfaceToken(token)) {
      throw new CachesetError(
        CoreErrorCodes.INVALID_INTERFACE,
        `${where}: expected interface tokens (made with defineInterface), got ${describeValue(token)}.`,
        { details: { value: token } },
      );
    }
  }
}

/**
 * Declares that instances of `cls` provide `tokens`, in addition to what it already declares.
 * Tokens its base classes already provide are accepted and change nothing.
 */
export function classImplements(cls: AnyClass, ...tokens: InterfaceToken[]): void {
  if (!isClass(cls)) {
    throw new CachesetError(
      CoreErrorCodes.INVALID_TARGET,
      `classImplements: expected a class, got ${describeValue(cls)}.`,
      { details: { value: cls } },
    );
  }
  assertTokens(tokens, `classImplements(${specName(cls)})`);
  const previous = declarationState.classDeclarations.get(cls);
  const next = Object.freeze([...new Set([...(previous ?? []), ...tokens])]);
  declarationState.classDeclarations.set(cls, next);
  if (computeClassResolutionOrder(cls) === undefined) {
    if (previous === undefined) declarationState.classDeclarations.delete(cls);
    else declarationState.classDeclarations.set(cls, previous);
    throw new CachesetError(
      CoreErrorCodes.INCONSISTENT_HIERARCHY,
      `@implementer(${tokens.map((t) => t.name).join(', ')}) on ${specName(cls)}: these tokens order their bases in contradictory ways, so no consistent resolution order exists. Reorder them or drop one.`,
      { details: { class: specName(cls), tokens: tokens.map((t) => t.name) } },
    );
  }
  bumpDeclarationEpoch();
}

/**
 * Class decorator: instances of the class provide the given interface tokens.
 *
 * @example
 * @implementer(IPurgeable, IDocument)
 * class Page { ... }
 */
export function implementer(...tokens: InterfaceToken[]): (target: AnyClass) => void {
  assertTokens(tokens, '@implementer');
  return (target) => classImplements(target, ...tokens);
}

/** The tokens `cls` itself declares (not inherited ones), in declaration order. */
export function declaredInterfaces(cls: AnyClass): readonly InterfaceToken[] {
  return declarationState.classDeclarations.get(cls) ?? [];
}

/** Everything instances of `cls` provide, most specific first. */
export function implementedBy(cls: AnyClass): readonly Spec[] {
  if (!isClass(cls)) {
    throw new CachesetError(
      CoreErrorCodes.INVALID_TARGET,
      `implementedBy: expected a class, got ${describeValue(cls)}.`,
      { details: { value: cls } },
    );
  }
  return classResolutionOrder(cls);
}

function assertObject(value: unknown, where: string): asserts value is object {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    throw new CachesetError(
      CoreErrorCodes.INVALID_ARGUMENT,
      `${where}: only objects and functions can provide interface tokens directly, got ${describeValue(value)}.`,
      { details: { value } },
    );
  }
}

/**
 * Marks one object (not its whole class) as providing `tokens`; these come first in its lookups.
 *
 * @example
 * alsoProvides(page, IPurgeable);
 */
export function alsoProvides(object: object, ...tokens: InterfaceToken[]): void {
  assertObject(object, 'alsoProvides');
  assertTokens(tokens, 'alsoProvides');
  const previous = declarationState.directlyProvided.get(object) ?? [];
  const next = [...new Set([...previous, ...tokens])];
  const cls = classOf(object);
  if (linearize<Spec>([...next, cls ?? Interface], specResolutionOrder) === undefined) {
    throw new CachesetError(
      CoreErrorCodes.INCONSISTENT_HIERARCHY,
      `alsoProvides(${tokens.map((t) => t.name).join(', ')}): together with what the object's class implements, these tokens have no consistent resolution order. Reorder them.`,
      { details: { tokens: tokens.map((t) => t.name) } },
    );
  }
  declarationState.directlyProvided.set(object, Object.freeze(next));
  bumpProvidesEpoch();
}

/** Removes a token given with `alsoProvides`. Tokens that come from the class cannot be removed this way. */
export function noLongerProvides(object: object, token: InterfaceToken): void {
  assertObject(object, 'noLongerProvides');
  assertTokens([token], 'noLongerProvides');
  const previous = declarationState.directlyProvided.get(object) ?? [];
  if (previous.includes(token)) {
    declarationState.directlyProvided.set(object, Object.freeze(previous.filter((t) => t !== token)));
    bumpProvidesEpoch();
    return;
  }
  const cls = classOf(object);
  if (cls !== undefined && classResolutionOrder(cls).includes(token)) {
    throw new CachesetError(
      CoreErrorCodes.INVALID_ARGUMENT,
      `noLongerProvides(${token.name}): the object provides it through its class ${specName(cls)}, not directly; only tokens given with alsoProvides can be removed.`,
      { details: { token: token.name, class: specName(cls) } },
    );
  }
}

/** The tokens given to `object` with `alsoProvides`, in the order given. */
export function directlyProvidedBy(object: unknown): readonly InterfaceToken[] {
  if ((typeof object !== 'object' && typeof object !== 'function') || object === null) return [];
  return declarationState.directlyProvided.get(object) ?? [];
}
