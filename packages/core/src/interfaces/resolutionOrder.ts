import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { linearize } from './c3.js';
import { Interface, isInterfaceToken, tokenResolutionOrder } from './InterfaceToken.js';
import { declarationState } from './sharedState.js';
import { specName, type AnyClass, type Spec } from './Spec.js';

/**
 * The class of a value: the constructor owning the nearest prototype on its chain.
 * Primitives map to their wrapper classes (String, Number, ...); null-prototype objects have none.
 */
export function classOf(value: unknown): AnyClass | undefined {
  if (value === null || value === undefined) return undefined;
  let proto: unknown = Object.getPrototypeOf(value);
  while (proto !== null && proto !== undefined) {
    const ctor: unknown = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
    if (typeof ctor === 'function' && (ctor as { prototype?: unknown }).prototype === proto) return ctor as AnyClass;
    proto = Object.getPrototypeOf(proto);
  }
  return undefined;
}

const classOrders = new WeakMap<AnyClass, { readonly epoch: number; readonly order: readonly Spec[] }>();

function classBases(cls: AnyClass): Spec[] {
  const declared = declarationState.classDeclarations.get(cls) ?? [];
  const parent = classOf(cls.prototype);
  return [...declared, parent ?? Interface];
}

/** Computes without the memo: used to validate a declaration before it is kept. */
export function computeClassResolutionOrder(cls: AnyClass): Spec[] | undefined {
  const tail = linearize(classBases(cls), specResolutionOrder);
  return tail === undefined ? undefined : [cls, ...tail];
}

/**
 * What instances of `cls` provide, most specific first: the class, the tokens it declares (each followed
 * by the tokens they extend), then its base classes and their tokens, C3-ordered, ending with `Interface`.
 */
export function classResolutionOrder(cls: AnyClass): readonly Spec[] {
  const cached = classOrders.get(cls);
  if (cached !== undefined && cached.epoch === declarationState.epoch) return cached.order;
  const order = computeClassResolutionOrder(cls);
  if (order === undefined) {
    throw new CachesetError(
      CoreErrorCodes.INCONSISTENT_HIERARCHY,
      `Class ${specName(cls)} has no consistent resolution order: the interfaces it and its base classes declare order their bases in contradictory ways. Change the order of the tokens given to @implementer.`,
      { details: { class: specName(cls) } },
    );
  }
  const frozen = Object.freeze(order);
  classOrders.set(cls, { epoch: declarationState.epoch, order: frozen });
  return frozen;
}

export function specResolutionOrder(spec: Spec): readonly Spec[] {
  return isInterfaceToken(spec) ? tokenResolutionOrder(spec) : classResolutionOrder(spec);
}

/**
 * What a value provides, most specific first: tokens given to it directly with `alsoProvides`, then
 * everything its class implements (C3 order), ending with `Interface`. `null` and `undefined` provide
 * only `Interface`.
 */
export function providedBy(value: unknown): readonly Spec[] {
  if (value === null || value === undefined) return [Interface];
  const cls = classOf(value);
  const classOrder = cls === undefined ? [Interface] : classResolutionOrder(cls);
  const direct =
    typeof value === 'object' || typeof value === 'function' ? declarationState.directlyProvided.get(value) : undefined;
  if (direct === undefined || direct.length === 0) return classOrder;
  const order = linearize<Spec>([...direct, cls ?? Interface], specResolutionOrder);
  // A class declaration made after alsoProvides can contradict it; fall back to "direct first" rather than fail a lookup.
  return order ?? [...new Set<Spec>([...direct.flatMap((t) => tokenResolutionOrder(t)), ...classOrder])];
}

/** True when `value` provides `token` (directly, through its class, or through a token extending it). */
export function provides(value: unknown, token: Spec): boolean {
  return providedBy(value).includes(token);
}

/** True when instances of `cls` provide `spec`. */
export function implementsSpec(cls: AnyClass, spec: Spec): boolean {
  return classResolutionOrder(cls).includes(spec);
}
