import type { InterfaceToken } from './InterfaceToken.js';

/**
 * Declarations live on globalThis under a Symbol.for key so that two copies of @cacheset/core in one
 * process (a dual-package install) see the same `implementer` and `alsoProvides` facts.
 */
export interface DeclarationState {
  /** Bumped whenever a class declaration changes; memoized resolution orders compare against it. */
  epoch: number;
  /** Bumped whenever `alsoProvides`/`noLongerProvides` changes what one object provides directly. */
  providesEpoch: number;
  /** Bumped whenever `bindAdapter` or an `adapterModule` binds adapters: lookups re-read then. */
  adapterGeneration: number;
  readonly classDeclarations: WeakMap<object, readonly InterfaceToken[]>;
  readonly directlyProvided: WeakMap<object, readonly InterfaceToken[]>;
}

const key = Symbol.for('cacheset.core.declarations@3');
const holder = globalThis as { [key]?: DeclarationState };

export const declarationState: DeclarationState = (holder[key] ??= {
  epoch: 0,
  providesEpoch: 0,
  adapterGeneration: 0,
  classDeclarations: new WeakMap(),
  directlyProvided: new WeakMap(),
});

export function bumpDeclarationEpoch(): void {
  declarationState.epoch += 1;
}

export function bumpProvidesEpoch(): void {
  declarationState.providesEpoch += 1;
}

export function bumpAdapterGeneration(): void {
  declarationState.adapterGeneration += 1;
}
