import {
  alsoProvides,
  cacheRuleset,
  noLongerProvides,
  CachesetError,
  classImplements,
  defineInterface,
  Interface,
  RulesetRegistry,
  type AnyClass,
  type InterfaceToken,
} from '@cacheset/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/*
 * A reference model of specificity, written independently of the library: plain recursion, no
 * memoization. A node's resolution order is the node followed by the C3 merge of its bases' orders,
 * where a base already contained in another base's order is redundant and dropped first (the rule
 * that lets a class re-declare a token its parent already provides).
 */
type Node = AnyClass | InterfaceToken;

interface Model {
  readonly tokenBases: Map<InterfaceToken, InterfaceToken[]>;
  readonly classParent: Map<AnyClass, AnyClass>;
  readonly classTokens: Map<AnyClass, InterfaceToken[]>;
  readonly decorators: Map<AnyClass, string>;
}

function refMerge(lists: Node[][]): Node[] | undefined {
  const pending = lists.map((l) => [...l]).filter((l) => l.length > 0);
  const out: Node[] = [];
  while (pending.length > 0) {
    const head = pending.map((l) => l[0] as Node).find((h) => pending.every((l) => !l.slice(1).includes(h)));
    if (head === undefined) return undefined;
    out.push(head);
    for (const l of pending) if (l[0] === head) l.shift();
    for (let i = pending.length - 1; i >= 0; i -= 1) if ((pending[i] as Node[]).length === 0) pending.splice(i, 1);
  }
  return out;
}

function refLinearize(model: Model, bases: Node[]): Node[] | undefined {
  const unique = bases.filter((b, i) => bases.indexOf(b) === i);
  const orders: Node[][] = [];
  for (const b of unique) {
    const o = refOrder(model, b);
    if (o === undefined) return undefined;
    orders.push(o);
  }
  const keep = unique.map((b, i) => !orders.some((o, j) => j !== i && o.includes(b)));
  return refMerge([...orders.filter((_, i) => keep[i]), unique.filter((_, i) => keep[i])]);
}

function refOrder(model: Model, node: Node): Node[] | undefined {
  if (node === Interface) return [Interface];
  if (node === Object) return [Object, Interface];
  if (typeof node === 'function') {
    const cls = node;
    const tail = refLinearize(model, [...(model.classTokens.get(cls) ?? []), model.classParent.get(cls) ?? Object]);
    return tail === undefined ? undefined : [cls, ...tail];
  }
  const bases = model.tokenBases.get(node) ?? [];
  const tail = refLinearize(model, bases.length === 0 ? [Interface] : bases);
  return tail === undefined ? undefined : [node, ...tail];
}

function refLookup(model: Model, rules: Map<Node, string>, order: Node[]): string | undefined {
  for (const node of order) {
    const rule = rules.get(node);
    if (rule !== undefined) return rule;
    if (typeof node === 'function' && model.decorators.has(node)) return model.decorators.get(node);
  }
  return undefined;
}

const world = fc.record({
  tokens: fc.array(fc.array(fc.nat(), { maxLength: 3 }), { maxLength: 7 }),
  classes: fc.array(
    fc.record({
      parent: fc.option(fc.nat(), { nil: undefined }),
      tokens: fc.array(fc.nat(), { maxLength: 3 }),
      decorator: fc.option(fc.constantFrom('d.x', 'd.y'), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 7 },
  ),
  instances: fc.array(fc.record({ cls: fc.nat(), direct: fc.array(fc.nat(), { maxLength: 2 }) }), {
    minLength: 1,
    maxLength: 6,
  }),
});

const operation = fc.oneof(
  fc.record({
    kind: fc.constant('register' as const),
    target: fc.nat(),
    ruleset: fc.constantFrom('r.a', 'r.b', 'r.c', 'r.d'),
  }),
  fc.record({ kind: fc.constant('unregister' as const), target: fc.nat() }),
  fc.record({ kind: fc.constant('clear' as const) }),
  fc.record({ kind: fc.constant('provide' as const), instance: fc.nat(), token: fc.nat() }),
  fc.record({ kind: fc.constant('unprovide' as const), instance: fc.nat(), token: fc.nat() }),
  fc.record({ kind: fc.constant('implement' as const), cls: fc.nat(), token: fc.nat() }),
);

let serial = 0;

describe('ruleset lookup (property)', () => {
  it('agrees with a straightforward C3 walk over random hierarchies, across register/unregister/clear', () => {
    fc.assert(
      fc.property(world, fc.array(operation, { maxLength: 25 }), (w, ops) => {
        const model: Model = {
          tokenBases: new Map(),
          classParent: new Map(),
          classTokens: new Map(),
          decorators: new Map(),
        };
        const tokens: InterfaceToken[] = [];
        for (const baseIndexes of w.tokens) {
          const bases = tokens.length === 0 ? [] : baseIndexes.map((n) => tokens[n % tokens.length] as InterfaceToken);
          const name = `prop.t${(serial += 1)}`;
          let token: InterfaceToken;
          const expectedOrder = refLinearize(model, bases.length === 0 ? [Interface] : bases);
          try {
            token = defineInterface(name, { extends: bases });
            expect(expectedOrder, 'library accepted a token the reference finds inconsistent').toBeDefined();
          } catch (error) {
            expect(CachesetError.is(error, 'ERR_CACHESET_INCONSISTENT_HIERARCHY')).toBe(true);
            expect(expectedOrder, 'library rejected a token the reference accepts').toBeUndefined();
            token = defineInterface(name);
          }
          model.tokenBases.set(
            token,
            token.bases.filter((b) => b !== Interface),
          );
          tokens.push(token);
        }
        const classes: AnyClass[] = [];
        for (const spec of w.classes) {
          const parent =
            spec.parent === undefined || classes.length === 0 ? undefined : classes[spec.parent % classes.length];
          const cls: AnyClass = parent === undefined ? class {} : class extends (parent as new () => object) {};
          if (parent !== undefined) model.classParent.set(cls, parent);
          const declared =
            tokens.length === 0 ? [] : spec.tokens.map((n) => tokens[n % tokens.length] as InterfaceToken);
          if (declared.length > 0) {
            model.classTokens.set(cls, declared);
            const consistent = refOrder(model, cls) !== undefined;
            try {
              classImplements(cls, ...declared);
              expect(consistent, 'library accepted a declaration the reference finds inconsistent').toBe(true);
            } catch (error) {
              expect(CachesetError.is(error, 'ERR_CACHESET_INCONSISTENT_HIERARCHY')).toBe(true);
              expect(consistent, 'library rejected a declaration the reference accepts').toBe(false);
              model.classTokens.delete(cls);
            }
          }
          if (spec.decorator !== undefined) {
            cacheRuleset(spec.decorator)(cls);
            model.decorators.set(cls, spec.decorator);
          }
          classes.push(cls);
        }
        // Instances remember their class and directly provided tokens; orders are recomputed from the
        // model at every check, so later declarations are reflected without any memo in the reference.
        const instances = w.instances.map((spec) => {
          const cls = classes[spec.cls % classes.length] as new () => object;
          const value = new cls();
          const direct: InterfaceToken[] = [];
          const wanted =
            tokens.length === 0
              ? []
              : [...new Set(spec.direct.map((n) => tokens[n % tokens.length] as InterfaceToken))];
          if (wanted.length > 0) {
            const consistent = refLinearize(model, [...wanted, cls]) !== undefined;
            try {
              alsoProvides(value, ...wanted);
              expect(consistent).toBe(true);
              direct.push(...wanted);
            } catch (error) {
              expect(CachesetError.is(error, 'ERR_CACHESET_INCONSISTENT_HIERARCHY')).toBe(true);
              expect(consistent).toBe(false);
            }
          }
          return { value, cls: cls as AnyClass, direct };
        });
        // What the library does when a later class declaration contradicts an object's direct tokens:
        // direct tokens (with their bases) first, then the class order.
        const instanceOrder = (inst: { cls: AnyClass; direct: InterfaceToken[] }): Node[] | undefined => {
          const classOrder = refOrder(model, inst.cls);
          if (classOrder === undefined) return undefined;
          if (inst.direct.length === 0) return classOrder;
          return (
            refLinearize(model, [...inst.direct, inst.cls]) ?? [
              ...new Set<Node>([...inst.direct.flatMap((t) => refOrder(model, t) as Node[]), ...classOrder]),
            ]
          );
        };

        const registry = new RulesetRegistry({ warn: () => {} });
        const rules = new Map<Node, string>();
        const targets: Node[] = [Interface, Object, ...tokens, ...classes];
        const expectLookup = (actual: () => string | undefined, order: Node[] | undefined): void => {
          if (order === undefined) {
            expect(actual).toThrowError(expect.objectContaining({ code: 'ERR_CACHESET_INCONSISTENT_HIERARCHY' }));
          } else {
            expect(actual()).toBe(refLookup(model, rules, order));
          }
        };
        const check = (): void => {
          for (const inst of instances) expectLookup(() => registry.lookup(inst.value), instanceOrder(inst));
          for (const cls of classes) expectLookup(() => registry.lookupClass(cls), refOrder(model, cls));
        };
        check();
        // Enough lookups to promote every object into the per-object cache, which later
        // declarations and registrations must invalidate like every other cache.
        for (let i = 0; i < 130; i += 1)
          for (const inst of instances) {
            try {
              registry.lookup(inst.value);
            } catch {
              // an inconsistent hierarchy, already checked above
            }
          }
        check();
        for (const op of ops) {
          if (op.kind === 'clear') {
            registry.clear();
            rules.clear();
          } else if (op.kind === 'register' || op.kind === 'unregister') {
            const target = targets[op.target % targets.length] as Node;
            if (op.kind === 'register') {
              registry.register(target, op.ruleset);
              if (!rules.has(target)) rules.set(target, op.ruleset);
            } else {
              registry.unregister(target);
              rules.delete(target);
            }
          } else if (tokens.length > 0) {
            const token = tokens[op.token % tokens.length] as InterfaceToken;
            if (op.kind === 'implement') {
              const cls = classes[op.cls % classes.length] as AnyClass;
              const before = model.classTokens.get(cls);
              model.classTokens.set(cls, [...new Set([...(before ?? []), token])]);
              const consistent = refOrder(model, cls) !== undefined;
              try {
                classImplements(cls, token);
                expect(consistent).toBe(true);
              } catch (error) {
                expect(CachesetError.is(error, 'ERR_CACHESET_INCONSISTENT_HIERARCHY')).toBe(true);
                expect(consistent).toBe(false);
                if (before === undefined) model.classTokens.delete(cls);
                else model.classTokens.set(cls, before);
              }
            } else {
              const inst = instances[op.instance % instances.length] as (typeof instances)[number];
              if (op.kind === 'provide') {
                const next = [...new Set([...inst.direct, token])];
                const classOrder = refOrder(model, inst.cls);
                const consistent = classOrder !== undefined && refLinearize(model, [...next, inst.cls]) !== undefined;
                try {
                  alsoProvides(inst.value, token);
                  inst.direct.splice(0, inst.direct.length, ...next);
                  expect(consistent).toBe(true);
                } catch (error) {
                  expect(CachesetError.is(error, 'ERR_CACHESET_INCONSISTENT_HIERARCHY')).toBe(true);
                  expect(consistent).toBe(false);
                }
              } else if (inst.direct.includes(token)) {
                noLongerProvides(inst.value, token);
                inst.direct.splice(inst.direct.indexOf(token), 1);
              }
            }
          }
          check();
          check(); // the second pass answers from the memo
        }
      }),
      { numRuns: 300 },
    );
  });
});
