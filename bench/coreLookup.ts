/**
 * Warm ruleset lookup vs Map.get on the same keys (DESIGN.md §5 bar: lookup ≥ 0.5 × Map.get).
 *
 * The registry holds a realistic spread: rules on classes, on interface tokens, from @cacheRuleset
 * decorators and a catch-all, over a hierarchy three classes deep. The Map maps each of the same
 * view instances straight to its answer, which is the fastest any lookup could be.
 *
 *   npm run bench:core
 */
import { cacheRuleset, defineInterface, implementer, Interface, RulesetRegistry, type AnyClass } from '@cacheset/core';
import { emitRows, type BenchRow } from './lib/benchRows.js';
import { compareThroughput, formatOps } from './lib/compareThroughput.js';

const IContent = defineInterface('bench.IContent');
const IListing = defineInterface('bench.IListing', { extends: [IContent] });

const registry = new RulesetRegistry();
registry.register(Interface, 'bench.default');
registry.register(IContent, 'bench.content');

const classes: AnyClass[] = [];
for (let i = 0; i < 48; i += 1) {
  @implementer(i % 2 === 0 ? IContent : IListing)
  class Base {}
  class Middle extends Base {}
  class Leaf extends Middle {}
  if (i % 3 === 0) registry.register(Base, `bench.base${i}`);
  if (i % 4 === 1) cacheRuleset(`bench.decorated${i}`)(Middle);
  if (i % 5 === 2) registry.register(Leaf, `bench.leaf${i}`);
  classes.push(Base, Middle, Leaf);
}

const instances = classes.map((C) => new (C as new () => object)());
const map = new Map<object, string | undefined>(instances.map((o) => [o, registry.lookup(o)]));
for (const o of instances) if (registry.lookup(o) !== map.get(o)) throw new Error('lookup and Map disagree');

const n = instances.length;
const classMap = new Map<AnyClass, string | undefined>(classes.map((C) => [C, registry.lookupClass(C)]));
const loop = (iterations: number, body: (i: number) => number): number => {
  let total = 0;
  for (let i = 0; i < iterations; i += 1) total += body(i);
  return total;
};

// The bar: the same object looked up again (a long-lived view or content object).
const byInstance = compareThroughput(
  [
    { name: 'Map.get(instance)', run: (it) => loop(it, (i) => map.get(instances[i % n] as object)?.length ?? 0) },
    { name: 'lookup(instance), warm', run: (it) => loop(it, (i) => registry.lookup(instances[i % n])?.length ?? 0) },
  ],
  { iterations: 2_000_000, rounds: 15 },
);
// What the HTTP adapters do for a decorated handler class or a route's view class.
const byClass = compareThroughput(
  [
    { name: 'Map.get(class)', run: (it) => loop(it, (i) => classMap.get(classes[i % n] as AnyClass)?.length ?? 0) },
    {
      name: 'lookupClass(class), warm',
      run: (it) => loop(it, (i) => registry.lookupClass(classes[i % n] as AnyClass)?.length ?? 0),
    },
  ],
  { iterations: 2_000_000, rounds: 15 },
);
// A new view instance per request: the first lookup of each object (class already known).
const fresh = compareThroughput(
  [
    {
      name: 'new + Map.get(constructor)',
      run: (it) =>
        loop(it, (i) => classMap.get(new (classes[i % n] as new () => object)().constructor as AnyClass)?.length ?? 0),
    },
    {
      name: 'new + lookup(instance)',
      run: (it) => loop(it, (i) => registry.lookup(new (classes[i % n] as new () => object)())?.length ?? 0),
    },
  ],
  { iterations: 500_000, rounds: 9 },
);

const report = (label: string, results: ReturnType<typeof compareThroughput>, bar?: number): number => {
  const [baseline, ours] = results as [(typeof results)[number], (typeof results)[number]];
  const ratio = ours.opsPerSecond / baseline.opsPerSecond;
  console.log(`${label}`);
  for (const r of results) console.log(`  ${r.name.padEnd(30)} ${formatOps(r.opsPerSecond)}`);
  console.log(`  ratio: ${ratio.toFixed(2)}${bar === undefined ? '' : ` (bar >= ${bar.toFixed(2)})`}`);
  return ratio;
};

console.log(`${n} objects of ${classes.length} classes, rules on classes, tokens, decorators and a catch-all`);
const ratio = report('warm lookup of the same object', byInstance, 0.5);
const classRatio = report('warm lookup by class', byClass, 0.5);
report('first lookup of a new instance of a known class (informational)', fresh);
const row = (id: string, label: string, results: ReturnType<typeof compareThroughput>, r: number): BenchRow => ({
  id,
  label,
  value: results[1]?.opsPerSecond ?? 0,
  unit: 'ops/s',
  reference: results[0]?.opsPerSecond ?? 0,
  referenceLabel: results[0]?.name ?? '',
  ratio: r,
  bar: 0.5,
});
emitRows('coreLookup', [
  row('lookup-instance', 'warm ruleset lookup(instance) vs Map.get', byInstance, ratio),
  row('lookup-class', 'warm ruleset lookupClass(cls) vs Map.get', byClass, classRatio),
]);
