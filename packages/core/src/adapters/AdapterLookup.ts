import type { Container } from 'inversify';
import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { providedBy } from '../interfaces/resolutionOrder.js';
import { declarationState } from '../interfaces/sharedState.js';
import { isSpec, specName, type Spec } from '../interfaces/Spec.js';
import { describeValue } from '../names/dottedName.js';
import { AdapterRegistration } from './AdapterRegistration.js';
import { adapterTokenName, type AdapterToken } from './AdapterToken.js';

type AnyRegistration = AdapterRegistration<unknown, never>;

/** A registration chosen for an object, and the spec of the object it matched on. */
export interface AdapterMatch<A> {
  readonly name: string;
  readonly spec: Spec;
  readonly registration: AdapterRegistration<A, never>;
}

export interface NamedAdapter<A> {
  readonly name: string;
  readonly spec: Spec;
  readonly adapter: A;
}

type Index = Map<symbol, Map<Spec, AnyRegistration[]>>;

/**
 * Finds adapters bound in an inversify container for any object, by specificity: the object's
 * resolution order (tokens it provides directly, its class, the class's tokens, base classes...) is
 * walked and the first spec with a binding wins. Bindings made with `bindAdapter` or `adapterModule`
 * are seen by the next lookup, whenever they were made; after changing bindings another way, call
 * `refresh()`.
 */
export class AdapterLookup {
  readonly container: Container;
  #generation = -1;
  #near: readonly AnyRegistration[] = [];
  #all: readonly AnyRegistration[] = [];
  #index: Index = new Map();
  readonly #memo = new WeakMap<
    object,
    Map<
      symbol,
      Map<
        string,
        { readonly epoch: number; readonly generation: number; readonly match: AdapterMatch<unknown> | undefined }
      >
    >
  >();

  constructor(container: Container) {
    if (
      typeof container !== 'object' ||
      container === null ||
      typeof (container as { getAll?: unknown }).getAll !== 'function'
    ) {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        `AdapterLookup: expected an inversify Container, got ${describeValue(container)}.`,
      );
    }
    this.container = container;
  }

  /** Whether anything at all is bound for `provides` (a quick no before walking any object). */
  hasRegistrations(provides: symbol): boolean {
    return this.#currentIndex().has(provides);
  }

  /** The most specific registration of `provides` (with `name`) for `value`, without calling it. */
  findRegistration<A>(value: unknown, provides: AdapterToken<A>, name = ''): AdapterMatch<A> | undefined {
    const index = this.#currentIndex();
    // Objects without their own tokens share their prototype's answer: remembered per prototype,
    // like ruleset lookups, and checked against the declaration epoch and the adapter generation.
    const proto =
      (typeof value === 'object' && value !== null) || typeof value === 'function'
        ? declarationState.directlyProvided.has(value)
          ? null
          : (Object.getPrototypeOf(value) as object | null)
        : null;
    if (proto === null) return this.#walk(index, value, provides, name);
    let byProvides = this.#memo.get(proto);
    if (byProvides === undefined) this.#memo.set(proto, (byProvides = new Map()));
    let byName = byProvides.get(provides);
    if (byName === undefined) byProvides.set(provides, (byName = new Map()));
    const remembered = byName.get(name);
    if (
      remembered !== undefined &&
      remembered.epoch === declarationState.epoch &&
      remembered.generation === this.#generation
    )
      return remembered.match as AdapterMatch<A> | undefined;
    const match = this.#walk(index, value, provides, name);
    byName.set(name, {
      epoch: declarationState.epoch,
      generation: this.#generation,
      match: match as AdapterMatch<unknown> | undefined,
    });
    return match;
  }

  #walk<A>(index: Index, value: unknown, provides: AdapterToken<A>, name: string): AdapterMatch<A> | undefined {
    const byProvides = index.get(provides);
    if (byProvides === undefined) return undefined;
    for (const spec of providedBy(value)) {
      const registration = byProvides.get(spec)?.find((r) => r.name === name);
      if (registration !== undefined)
        return Object.freeze({ name, spec, registration: registration as AdapterRegistration<A, never> });
    }
    return undefined;
  }

  /**
   * For each adapter name, the most specific registration for `value`, most specific first
   * (ties keep binding order). Factories are not called.
   */
  findRegistrations<A>(value: unknown, provides: AdapterToken<A>): readonly AdapterMatch<A>[] {
    const byProvides = this.#currentIndex().get(provides);
    if (byProvides === undefined) return [];
    const seen = new Set<string>();
    const matches: AdapterMatch<A>[] = [];
    for (const spec of providedBy(value)) {
      for (const registration of byProvides.get(spec) ?? []) {
        if (seen.has(registration.name)) continue;
        seen.add(registration.name);
        matches.push({ name: registration.name, spec, registration: registration as AdapterRegistration<A, never> });
      }
    }
    return matches;
  }

  /** The adapter of `value` to `provides`, or undefined (no binding, or the factory declined). */
  query<A>(value: unknown, provides: AdapterToken<A>, name = ''): A | undefined {
    const match = this.findRegistration(value, provides, name);
    return match === undefined ? undefined : this.create(match, value);
  }

  /** Like `query`, but throws `ERR_CACHESET_ADAPTER_NOT_FOUND` instead of returning undefined. */
  get<A>(value: unknown, provides: AdapterToken<A>, name = ''): A {
    const found = this.query(value, provides, name);
    if (found === undefined) {
      const label = name === '' ? '' : ` named '${name}'`;
      throw new CachesetError(
        CoreErrorCodes.ADAPTER_NOT_FOUND,
        `No ${adapterTokenName(provides)} adapter${label} for ${describeValue(value)}. Bind one with bindAdapter(container, { provides: ${adapterTokenName(provides)}, for: TheClass, factory }).`,
        { details: { provides: adapterTokenName(provides), name } },
      );
    }
    return found;
  }

  /**
   * Every named adapter of `value` to `provides`: for each name the most specific binding, most
   * specific first. Names whose factory declines (returns undefined) are left out.
   */
  getAll<A>(value: unknown, provides: AdapterToken<A>): readonly NamedAdapter<A>[] {
    const adapters: NamedAdapter<A>[] = [];
    for (const match of this.findRegistrations(value, provides)) {
      const adapter = this.create(match, value);
      if (adapter !== undefined) adapters.push({ name: match.name, spec: match.spec, adapter });
    }
    return adapters;
  }

  /** Calls the registration's factory; a throwing factory becomes `ERR_CACHESET_ADAPTER_FAILED`. */
  create<A>(match: AdapterMatch<A>, value: unknown): A | undefined {
    try {
      return match.registration.factory(value as never, this.container);
    } catch (error) {
      const label = match.name === '' ? '' : ` '${match.name}'`;
      throw new CachesetError(
        CoreErrorCodes.ADAPTER_FAILED,
        `The ${adapterTokenName(match.registration.provides)} adapter${label} bound for ${specName(match.spec)} threw while adapting ${describeValue(value)}: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
          details: {
            provides: adapterTokenName(match.registration.provides),
            name: match.name,
            for: specName(match.spec),
          },
        },
      );
    }
  }

  /**
   * Reads the bindings again on the next lookup. `bindAdapter` and `adapterModule` do this by
   * themselves; call it after changing adapter bindings another way (container.bind of an
   * AdapterRegistration, unbind, unload, rebind).
   */
  refresh(): void {
    this.#generation = -1;
  }

  #currentIndex(): Index {
    // Reading the container costs two inversify resolutions; the index is rebuilt only when adapter
    // bindings changed since (bindAdapter and adapterModule bump the generation).
    if (this.#generation === declarationState.adapterGeneration) return this.#index;
    // inversify's plan cache can append a child binding made after a resolution to the end of the
    // chained list, so the chained order cannot rank child over parent; the unchained list (the nearest
    // container that has bindings) can, and goes first.
    const near = this.container.getAll<AnyRegistration>(AdapterRegistration);
    const all = this.container.getAll<AnyRegistration>(AdapterRegistration, { chained: true });
    this.#generation = declarationState.adapterGeneration;
    if (!sameElements(near, this.#near) || !sameElements(all, this.#all)) {
      this.#near = near;
      this.#all = all;
      const nearSet = new Set(near);
      this.#index = buildIndex([...near, ...all.filter((r) => !nearSet.has(r))]);
    }
    return this.#index;
  }
}

function assertRegistration(value: unknown): asserts value is AnyRegistration {
  const r = value as Partial<AnyRegistration> | null;
  if (
    typeof r === 'object' &&
    r !== null &&
    typeof r.provides === 'symbol' &&
    isSpec(r.for) &&
    typeof r.name === 'string' &&
    typeof r.factory === 'function'
  )
    return;
  throw new CachesetError(
    CoreErrorCodes.INVALID_ADAPTER,
    `A value bound under AdapterRegistration is not an adapter registration: ${describeValue(value)}. Bind adapters with bindAdapter() or adapter() + adapterModule().`,
    { details: { value } },
  );
}

function sameElements(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function buildIndex(registrations: readonly AnyRegistration[]): Index {
  const index: Index = new Map();
  for (const registration of registrations) {
    assertRegistration(registration);
    let bySpec = index.get(registration.provides);
    if (bySpec === undefined) index.set(registration.provides, (bySpec = new Map()));
    const list = bySpec.get(registration.for);
    if (list === undefined) bySpec.set(registration.for, [registration]);
    else list.push(registration);
  }
  return index;
}
