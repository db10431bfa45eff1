import { ContainerModule, type Container } from 'inversify';
import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { bumpAdapterGeneration } from '../interfaces/sharedState.js';
import { assertSpec, specName, type Spec } from '../interfaces/Spec.js';
import { describeValue } from '../names/dottedName.js';
import { adapterTokenName, type AdapterToken } from './AdapterToken.js';

/** One adapter binding: "objects providing `for` can be adapted to `provides` by `factory`". */
export interface AdapterRegistration<A = unknown, T = never> {
  readonly provides: AdapterToken<A>;
  readonly for: Spec;
  /** Distinguishes several adapters to the same contract; '' for the unnamed one. */
  readonly name: string;
  /** Returns the adapter for `context`, or undefined when this object cannot be adapted. */
  readonly factory: (context: T, container: Container) => A | undefined;
}

/** The service identifier under which adapter registrations are bound in an inversify container. */
export const AdapterRegistration: unique symbol = Symbol.for('@cacheset/core/AdapterRegistration');

interface AdapterSpecBase<A> {
  readonly provides: AdapterToken<A>;
  readonly for: Spec;
  readonly name?: string;
}

/** How to describe an adapter: with a factory, or with a class whose constructor takes the context. */
export type AdapterSpec<A, T> =
  | (AdapterSpecBase<A> & {
      readonly factory: (context: T, container: Container) => A | undefined;
      readonly useClass?: never;
    })
  | (AdapterSpecBase<A> & { readonly useClass: new (context: T) => A; readonly factory?: never });

function invalid(message: string, details: Record<string, unknown>): CachesetError {
  return new CachesetError(CoreErrorCodes.INVALID_ADAPTER, message, { details });
}

/** Validates an adapter description and returns a frozen registration (for `adapterModule`). */
export function adapter<A, T>(spec: AdapterSpec<A, T>): AdapterRegistration<A, T> {
  if (typeof spec !== 'object' || spec === null)
    throw invalid(`adapter(): expected an object describing the adapter, got ${describeValue(spec)}.`, { value: spec });
  const { provides, name = '' } = spec;
  if (typeof provides !== 'symbol') {
    throw invalid(
      `adapter(): "provides" must be an adapter token such as ILastModified or IPurgePaths, got ${describeValue(provides)}.`,
      { provides },
    );
  }
  const what = `adapter(${adapterTokenName(provides)})`;
  assertSpec(spec.for, `${what}: "for"`);
  if (typeof name !== 'string')
    throw invalid(`${what}: "name" must be a string, got ${describeValue(name)}.`, { name });
  const { factory, useClass } = spec as { factory?: unknown; useClass?: unknown };
  if ((factory === undefined) === (useClass === undefined)) {
    throw invalid(
      `${what} for ${specName(spec.for)}: give exactly one of "factory" (a function of the object) or "useClass" (a class whose constructor takes the object).`,
      {},
    );
  }
  let make: (context: T, container: Container) => A | undefined;
  if (factory !== undefined) {
    if (typeof factory !== 'function')
      throw invalid(`${what}: "factory" must be a function, got ${describeValue(factory)}.`, { factory });
    make = factory as (context: T, container: Container) => A | undefined;
  } else {
    if (typeof useClass !== 'function')
      throw invalid(`${what}: "useClass" must be a class, got ${describeValue(useClass)}.`, { useClass });
    const Ctor = useClass as new (context: T) => A;
    make = (context) => new Ctor(context);
  }
  return Object.freeze({ provides, for: spec.for, name, factory: make });
}

/**
 * Binds an adapter in `container`. The most specific binding for an object wins, in the same C3 order
 * as ruleset lookup; among equally specific bindings with the same name, the first one bound wins
 * (a child container's bindings come before its parent's).
 *
 * @example
 * bindAdapter(container, { provides: IPurgePaths, for: Image, name: 'myapp.image', useClass: ImagePurgePaths });
 */
export function bindAdapter<A, T>(container: Container, spec: AdapterSpec<A, T>): AdapterRegistration<A, T> {
  const registration = adapter(spec);
  container.bind<AdapterRegistration<A, T>>(AdapterRegistration).toConstantValue(registration);
  bumpAdapterGeneration();
  return registration;
}

/** A ContainerModule binding the given adapters, for `container.load(...)`. */
export function adapterModule(...registrations: AdapterRegistration<unknown, never>[]): ContainerModule {
  for (const registration of registrations) {
    if (typeof registration !== 'object' || registration === null || typeof registration.factory !== 'function') {
      throw invalid(
        `adapterModule(): expected registrations made with adapter({...}), got ${describeValue(registration)}.`,
        { value: registration },
      );
    }
  }
  return new ContainerModule(({ bind }) => {
    for (const registration of registrations) bind(AdapterRegistration).toConstantValue(registration);
    bumpAdapterGeneration();
  });
}
