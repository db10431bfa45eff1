import { decoratedClasses, declaredRuleset, onDecorated } from '../decorators/cacheRuleset.js';
import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { CachesetWarning, CoreWarningCodes, emitProcessWarning } from '../errors/CachesetWarning.js';
import { Interface } from '../interfaces/InterfaceToken.js';
import { classOf, classResolutionOrder, providedBy } from '../interfaces/resolutionOrder.js';
import { declarationState } from '../interfaces/sharedState.js';
import { assertSpec, isClass, specName, type AnyClass, type Spec } from '../interfaces/Spec.js';
import { assertDottedName, describeValue } from '../names/dottedName.js';
import { didYouMean } from '../names/suggestName.js';
import type { RulesetExplanation } from './RulesetExplanation.js';
import type { RulesetType } from './RulesetType.js';

export interface RulesetRegistryOptions {
  /** Receives coded warnings (duplicate registrations). Default: `process.emitWarning`. */
  readonly warn?: (warning: CachesetWarning) => void;
}

/** Where the rule a lookup returned came from. */
export interface RuleMatch {
  readonly ruleset: string;
  /** The class or token the rule is attached to. */
  readonly spec: Spec;
  readonly source: 'register' | 'decorator';
}

interface CacheEntry {
  readonly generation: number;
  readonly epoch: number;
  readonly providesEpoch: number;
  readonly match: RuleMatch | undefined;
  readonly ruleset: string | undefined;
  /** Lookups answered from this (prototype) entry; drives promotion into the per-object cache. */
  hits: number;
}

const PROMOTE_EVERY = 64;

/**
 * Maps classes and interface tokens to ruleset names, and looks up the ruleset of any object by
 * specificity, as z3c.caching does on top of zope.component: the first spec in the object's C3
 * resolution order that has a rule wins.
 *
 * Lookups are memoized per prototype and stay correct after `register`, `unregister`, `clear`,
 * `declareType`, explicit-mode changes and new interface declarations.
 *
 * @example
 * const registry = new RulesetRegistry();
 * registry.declareType('site.frontpage', 'Front page');
 * registry.register(FrontpageView, 'site.frontpage');
 * registry.lookup(new FrontpageView()); // 'site.frontpage'
 */
export class RulesetRegistry {
  readonly #rules = new Map<Spec, string>();
  readonly #types = new Map<string, RulesetType>();
  readonly #warn: (warning: CachesetWarning) => void;
  /** By the object looked up (lookup/match): objects with their own tokens, and promoted ones. */
  readonly #byObject = new WeakMap<object, CacheEntry>();
  /** By class (lookupClass/matchClass). */
  readonly #byClass = new WeakMap<object, CacheEntry>();
  /** By prototype: shared by all instances of a class, and by the class itself. */
  readonly #byProto = new WeakMap<object, CacheEntry>();
  #explicit = false;
  #generation = 0;
  /** Set once `verify` ran: classes decorated afterwards are checked as they are decorated. */
  #watching = false;

  constructor(options: RulesetRegistryOptions = {}) {
    this.#warn = options.warn ?? emitProcessWarning;
  }

  /**
   * Attaches `ruleset` to a class or interface token. A second registration on the same target is
   * ignored with a `WARN_CACHESET_DUPLICATE_RULESET` warning: the first one stays.
   * In explicit mode the ruleset must have been declared with `declareType` first.
   */
  register(target: Spec, ruleset: string): void {
    assertSpec(target, 'register');
    assertDottedName(ruleset, 'ruleset name', `register(${specName(target)})`);
    this.#assertDeclared(ruleset, `register(${specName(target)}, '${ruleset}')`);
    const existing = this.#rules.get(target);
    if (existing !== undefined) {
      this.#warn(
        new CachesetWarning(
          CoreWarningCodes.DUPLICATE_RULESET,
          `Ignoring attempt to register ruleset '${ruleset}' on ${specName(target)}: it already has ruleset '${existing}', which stays. Call unregister(${specName(target)}) first to replace it.`,
          { target: specName(target), kept: existing, ignored: ruleset },
        ),
      );
      return;
    }
    this.#rules.set(target, ruleset);
    this.#changed();
  }

  /** Removes the rule registered directly on `target`; does nothing when there is none. */
  unregister(target: Spec): void {
    assertSpec(target, 'unregister');
    if (this.#rules.delete(target)) this.#changed();
  }

  /** Removes every rule and ruleset type of this registry and turns explicit mode off. */
  clear(): void {
    this.#rules.clear();
    this.#types.clear();
    this.#explicit = false;
    this.#changed();
  }

  /**
   * The ruleset of `value`, or undefined. For objects: the most specific of the tokens given with
   * `alsoProvides`, its class, the tokens its class implements and its base classes (C3 order).
   * A class object itself provides what `Function` implements (as in zope); use `lookupClass` for
   * "the ruleset of this class's instances". A rule on the root `Interface` matches everything,
   * including `null`.
   *
   * Throws `ERR_CACHESET_RULESET_NOT_DECLARED` only when the winning rule comes from a `@cacheRuleset`
   * decorator whose name is undeclared while explicit mode is on.
   */
  lookup(value: unknown): string | undefined {
    // The warm path, written out because it runs on every request. Objects seen often answer from one
    // WeakMap probe keyed by the object itself; others from their prototype's entry.
    if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
      const entry = this.#byObject.get(value);
      if (
        entry !== undefined &&
        entry.generation === this.#generation &&
        entry.epoch === declarationState.epoch &&
        entry.providesEpoch === declarationState.providesEpoch
      ) {
        return entry.ruleset;
      }
      if (!declarationState.directlyProvided.has(value)) {
        const proto: unknown = Object.getPrototypeOf(value);
        const shared = proto === null ? undefined : this.#byProto.get(proto as object);
        if (shared !== undefined && shared.generation === this.#generation && shared.epoch === declarationState.epoch) {
          // Inserting an object into a WeakMap costs ~0.6 µs of GC work, wasted on per-request
          // objects; so only every PROMOTE_EVERY-th lookup through a prototype promotes its object.
          shared.hits += 1;
          if (shared.hits % PROMOTE_EVERY === 0) this.#byObject.set(value, this.#entry(shared.match));
          return shared.ruleset;
        }
      }
    }
    return this.match(value)?.ruleset;
  }

  /** The ruleset instances of `cls` would get (the class's own resolution order). */
  lookupClass(cls: AnyClass): string | undefined {
    const entry = typeof cls === 'function' ? this.#byClass.get(cls) : undefined;
    if (entry !== undefined && entry.generation === this.#generation && entry.epoch === declarationState.epoch)
      return entry.ruleset;
    return this.matchClass(cls)?.ruleset;
  }

  /** Like `lookup`, but says which spec the rule was found on and whether it came from a decorator. */
  match(value: unknown): RuleMatch | undefined {
    if (value === null || value === undefined) return this.#walk([Interface]);
    if (typeof value !== 'object' && typeof value !== 'function') return this.#protoMatch(value);
    const entry = this.#byObject.get(value);
    if (
      entry !== undefined &&
      entry.generation === this.#generation &&
      entry.epoch === declarationState.epoch &&
      entry.providesEpoch === declarationState.providesEpoch
    ) {
      return entry.match;
    }
    if (!declarationState.directlyProvided.has(value)) return this.#protoMatch(value);
    // Objects with their own tokens need their own C3 merge: worth remembering.
    const match = this.#walk(providedBy(value));
    this.#byObject.set(value, this.#entry(match));
    return match;
  }

  /** Like `lookupClass`, with the origin of the rule. */
  matchClass(cls: AnyClass): RuleMatch | undefined {
    if (!isClass(cls)) {
      throw new CachesetError(
        CoreErrorCodes.INVALID_TARGET,
        `lookupClass: expected a class, got ${describeValue(cls)}.`,
        { details: { value: cls } },
      );
    }
    const entry = this.#byClass.get(cls);
    if (entry !== undefined && entry.generation === this.#generation && entry.epoch === declarationState.epoch)
      return entry.match;
    const match = this.#cachedByProto(cls.prototype as object, () => classResolutionOrder(cls));
    this.#byClass.set(cls, this.#entry(match));
    return match;
  }

  /**
   * Why `lookup(value)` finds what it finds: the specs looked at in resolution order, the entry that
   * matched, and the rules further down that would have matched (z3c.caching's lookup, made
   * visible). Never throws for an undeclared decorator name: the explanation shows it.
   */
  explain(value: unknown): RulesetExplanation {
    return this.#explainOrder(providedBy(value));
  }

  /** `explain` for the instances of `cls` (a published class means its instances). */
  explainClass(cls: AnyClass): RulesetExplanation {
    if (!isClass(cls)) return this.#explainOrder([Interface]);
    return this.#explainOrder(classResolutionOrder(cls));
  }

  #explainOrder(order: readonly Spec[]): RulesetExplanation {
    const matches: RuleMatch[] = [];
    for (const spec of order) {
      const registered = this.#rules.get(spec);
      if (registered !== undefined) matches.push({ ruleset: registered, spec, source: 'register' });
      else if (isClass(spec)) {
        const declared = declaredRuleset(spec);
        if (declared !== undefined) matches.push({ ruleset: declared, spec, source: 'decorator' });
      }
    }
    return {
      order: order.map((spec) => specName(spec)),
      match: matches[0],
      alsoMatching: matches.slice(1),
      explicit: this.#explicit,
    };
  }

  /** The ruleset of `value`; throws `ERR_CACHESET_RULESET_NOT_FOUND` when there is none. */
  require(value: unknown): string {
    const ruleset = this.lookup(value);
    if (ruleset === undefined) {
      throw new CachesetError(
        CoreErrorCodes.RULESET_NOT_FOUND,
        `No ruleset applies to ${describeValue(value)}: decorate its class with @cacheRuleset('...'), register(TheClass, '...'), or register a catch-all on Interface.`,
        { details: { value } },
      );
    }
    return ruleset;
  }

  /**
   * The rule attached to exactly `target` (a registration, else the class's own `@cacheRuleset`),
   * ignoring base classes and the tokens a token extends.
   */
  directLookup(target: Spec): string | undefined {
    assertSpec(target, 'directLookup');
    return this.#rules.get(target) ?? (isClass(target) ? declaredRuleset(target) : undefined);
  }

  /** Declares (or re-declares: the last declaration wins) a ruleset type. */
  declareType(name: string, title: string, description = ''): void {
    assertDottedName(name, 'ruleset name', 'declareType');
    if (typeof title !== 'string') {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        `declareType('${name}'): title must be a string, got ${describeValue(title)}.`,
        { details: { name, title } },
      );
    }
    if (typeof description !== 'string') {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        `declareType('${name}'): description must be a string, got ${describeValue(description)}.`,
        { details: { name, description } },
      );
    }
    this.#types.set(name, Object.freeze({ name, title, description }));
    this.#changed();
  }

  getType(name: string): RulesetType | undefined {
    return this.#types.get(name);
  }

  /** The declared ruleset types, in declaration order. */
  enumerateTypes(): readonly RulesetType[] {
    return [...this.#types.values()];
  }

  /** Every rule registered with `register`, in registration order. */
  enumerateRules(): readonly RuleMatch[] {
    return [...this.#rules].map(([spec, ruleset]) => ({ spec, ruleset, source: 'register' as const }));
  }

  get explicit(): boolean {
    return this.#explicit;
  }

  set explicit(mode: boolean) {
    this.setExplicitMode(mode);
  }

  /** In explicit mode a ruleset name must be declared before a rule uses it. No argument turns it on. */
  setExplicitMode(mode = true): void {
    if (typeof mode !== 'boolean') {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        `setExplicitMode: expected a boolean, got ${describeValue(mode)}.`,
        { details: { mode } },
      );
    }
    if (this.#explicit === mode) return;
    this.#explicit = mode;
    this.#changed();
  }

  /**
   * In explicit mode, checks every registered rule and every `@cacheRuleset` class (by default all
   * classes decorated in this process; pass `classes` to check only yours) against the declared types,
   * and throws one `ERR_CACHESET_RULESET_NOT_DECLARED` naming all undeclared rulesets. Call it at
   * start-up so a typo fails the deploy rather than a request (`createHttpCaching` calls it).
   *
   * From then on, a class decorated later (a module loaded after start-up) with a name that is still
   * undeclared once the decorating module has run gives a `WARN_CACHESET_UNDECLARED_RULESET` warning
   * naming the class (a decorator cannot fail the import that is under way); its lookups throw
   * `ERR_CACHESET_RULESET_NOT_DECLARED` as always.
   */
  verify(options: { readonly classes?: Iterable<AnyClass> } = {}): void {
    if (!this.#explicit) return;
    this.#watchDecorations();
    const problems: string[] = [];
    for (const [spec, ruleset] of this.#rules) {
      if (!this.#types.has(ruleset)) problems.push(`'${ruleset}' registered on ${specName(spec)}`);
    }
    for (const cls of options.classes ?? decoratedClasses()) {
      const ruleset = declaredRuleset(cls);
      if (ruleset !== undefined && !this.#types.has(ruleset))
        problems.push(`'${ruleset}' declared by @cacheRuleset on ${specName(cls)}`);
    }
    if (problems.length > 0) {
      const distinct = [...new Set(problems)];
      throw new CachesetError(
        CoreErrorCodes.RULESET_NOT_DECLARED,
        `Explicit mode is on and these rulesets are not declared: ${distinct.join('; ')}. ` +
          "Declare them with declareType() or in the configuration's rulesetTypes, or fix the names.",
        { details: { problems: distinct } },
      );
    }
  }

  #watchDecorations(): void {
    if (this.#watching) return;
    this.#watching = true;
    // Weakly: a registry nobody uses any more must not be kept alive by the decorator's listeners.
    const self = new WeakRef(this);
    onDecorated((cls, ruleset) => {
      const registry = self.deref();
      if (registry === undefined) return false;
      // After the decorating module has run: it may declare the name below the class.
      queueMicrotask(() => registry.#checkDecorated(cls, ruleset));
      return true;
    });
  }

  #checkDecorated(cls: AnyClass, ruleset: string): void {
    if (!this.#explicit || this.#types.has(ruleset) || this.#rules.has(cls)) return;
    this.#warn(
      new CachesetWarning(
        CoreWarningCodes.UNDECLARED_RULESET,
        `@cacheRuleset('${ruleset}') on ${specName(cls)}: explicit mode is on and ruleset '${ruleset}' is not ` +
          `declared, so ${specName(cls)} will not be cached.${didYouMean(ruleset, this.#types.keys())} ` +
          `Declare it with declareType('${ruleset}', title) or fix the name.`,
        { target: specName(cls), ruleset },
      ),
    );
  }

  #changed(): void {
    this.#generation += 1;
  }

  #assertDeclared(ruleset: string, where: string): void {
    if (!this.#explicit || this.#types.has(ruleset)) return;
    throw new CachesetError(
      CoreErrorCodes.RULESET_NOT_DECLARED,
      `${where}: explicit mode is on and ruleset '${ruleset}' is not declared.${didYouMean(ruleset, this.#types.keys())} Declare it with declareType('${ruleset}', title) or in the configuration's rulesetTypes.`,
      { details: { ruleset } },
    );
  }

  #entry(match: RuleMatch | undefined): CacheEntry {
    return {
      generation: this.#generation,
      epoch: declarationState.epoch,
      providesEpoch: declarationState.providesEpoch,
      match,
      ruleset: match?.ruleset,
      hits: 0,
    };
  }

  /** Instances sharing a prototype share a resolution order, so new instances of known classes are cheap. */
  #protoMatch(value: unknown): RuleMatch | undefined {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === null) return this.#walk([Interface]);
    return this.#cachedByProto(proto as object, () => {
      const cls = classOf(value);
      return cls === undefined ? [Interface] : classResolutionOrder(cls);
    });
  }

  #cachedByProto(proto: object, order: () => readonly Spec[]): RuleMatch | undefined {
    const entry = this.#byProto.get(proto);
    if (entry !== undefined && entry.generation === this.#generation && entry.epoch === declarationState.epoch)
      return entry.match;
    const match = this.#walk(order());
    this.#byProto.set(proto, this.#entry(match));
    return match;
  }

  #walk(order: readonly Spec[]): RuleMatch | undefined {
    for (const spec of order) {
      const registered = this.#rules.get(spec);
      if (registered !== undefined) return { ruleset: registered, spec, source: 'register' };
      if (isClass(spec)) {
        const declared = declaredRuleset(spec);
        if (declared !== undefined) {
          this.#assertDeclared(declared, `@cacheRuleset on ${specName(spec)}`);
          return { ruleset: declared, spec, source: 'decorator' };
        }
      }
    }
    return undefined;
  }
}
