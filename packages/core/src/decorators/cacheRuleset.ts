import 'reflect-metadata/lite';
import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { bumpDeclarationEpoch } from '../interfaces/sharedState.js';
import { isClass, type AnyClass } from '../interfaces/Spec.js';
import { assertDottedName, describeValue } from '../names/dottedName.js';

// Public: reflect-metadata readers find a class's ruleset under this published name.
const rulesetMetadataKey: unique symbol = Symbol.for('@cacheset/core/ruleset');
const decoratedKey = Symbol.for('cacheset.core.decoratedClasses@1');
const listenersKey = Symbol.for('cacheset.core.decorationListeners@1');
/** Told of each class decorated from now on; returns false once it no longer wants to be told. */
export type DecorationListener = (cls: AnyClass, ruleset: string) => boolean;
const holder = globalThis as { [decoratedKey]?: Set<AnyClass>; [listenersKey]?: Set<DecorationListener> };
const decorated: Set<AnyClass> = (holder[decoratedKey] ??= new Set());
const listeners: Set<DecorationListener> = (holder[listenersKey] ??= new Set());

/**
 * Class decorator: declares which ruleset a view (or any component) belongs to. It only records the
 * name on the class; registries see it during lookup, where a rule registered on the same class with
 * `register()` overrides it and a subclass's own declaration beats it.
 *
 * @example
 * @cacheRuleset('site.frontpage')
 * class FrontpageView { render() { ... } }
 */
export function cacheRuleset(ruleset: string): (target: AnyClass) => void {
  assertDottedName(ruleset, 'ruleset name', `@cacheRuleset(${describeValue(ruleset)})`);
  return (target) => {
    if (!isClass(target)) {
      throw new CachesetError(
        CoreErrorCodes.INVALID_TARGET,
        `@cacheRuleset('${ruleset}') decorates classes, got ${describeValue(target)}. For a single object, register its class or give it a token with alsoProvides().`,
        { details: { ruleset, value: target } },
      );
    }
    Reflect.defineMetadata(rulesetMetadataKey, ruleset, target);
    decorated.add(target);
    bumpDeclarationEpoch();
    for (const listener of listeners) if (!listener(target, ruleset)) listeners.delete(listener);
  };
}

/**
 * Tells `listener` of every class decorated from now on (a verified registry in explicit mode checks
 * classes that modules loaded after start-up decorate).
 */
export function onDecorated(listener: DecorationListener): void {
  listeners.add(listener);
}

/** The ruleset `cls` itself declares with `@cacheRuleset` (not inherited), or undefined. */
export function declaredRuleset(cls: AnyClass): string | undefined {
  const value: unknown = Reflect.getOwnMetadata(rulesetMetadataKey, cls);
  return typeof value === 'string' ? value : undefined;
}

/** Every class decorated with `@cacheRuleset` so far, in decoration order. */
export function decoratedClasses(): readonly AnyClass[] {
  return [...decorated];
}
