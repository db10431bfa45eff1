/**
 * How the ruleset lookup grows with the registry: 10 000 classes in hierarchies 1, 5 and 20 deep
 * (10 000 / depth rules, one on each chain's root, so a leaf's answer is found 0, 4 or 19 levels up),
 * each in a fresh registry. Reported per depth, ns per lookup: the warm lookup of a leaf instance seen
 * before, the first lookup of a new leaf instance (its class known), and a class's first lookup
 * with a registry change every 100 lookups (the generation bump every cache entry is checked
 * against; the registering is included in the time).
 *
 *   npx tsc -b bench && node bench/dist/coreGrowth.js
 */
import { RulesetRegistry, type AnyClass } from '@cacheset/core';
import { emitRows, type BenchRow } from './lib/benchRows.js';
import { median } from './lib/pairRunner.js';

const CLASSES = 10_000;

function timeNs(iterations: number, body: (i: number) => number): number {
  const rounds: number[] = [];
  let sink = 0;
  for (let r = 0; r < 7; r += 1) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i += 1) sink += body(i);
    rounds.push(Number(process.hrtime.bigint() - started) / iterations);
  }
  if (sink === -1) console.log(sink);
  return median(rounds.slice(2));
}

const rows: BenchRow[] = [];
console.log(`ruleset lookup, ${CLASSES} registered classes, rule on each hierarchy's root; ns per lookup (median)`);
console.log(`  ${'depth'.padEnd(6)} ${'warm'.padStart(8)} ${'new inst.'.padStart(10)} ${'after change'.padStart(13)}`);
for (const depth of [1, 5, 20]) {
  const registry = new RulesetRegistry();
  const leaves: AnyClass[] = [];
  for (let chain = 0; chain < CLASSES / depth; chain += 1) {
    let cls: AnyClass = class {};
    registry.register(cls, `bench.rule${chain}`);
    for (let level = 1; level < depth; level += 1) cls = class extends (cls as new () => object) {};
    leaves.push(cls);
  }
  const instances = leaves.map((C) => new (C as new () => object)());
  const n = instances.length;
  for (const o of instances) if (registry.lookup(o) === undefined) throw new Error('a leaf has no ruleset');
  const warm = timeNs(1_000_000, (i) => registry.lookup(instances[i % n])?.length ?? 0);
  const fresh = timeNs(300_000, (i) => registry.lookup(new (leaves[i % n] as new () => object)())?.length ?? 0);
  let extra = 0;
  const afterChange = timeNs(2_000, (i) => {
    if (i % 100 === 0) registry.register(class {}, `bench.extra${extra++}`);
    return registry.lookupClass(leaves[(i * 7919) % n] as AnyClass)?.length ?? 0;
  });
  console.log(
    `  ${String(depth).padEnd(6)} ${warm.toFixed(0).padStart(8)} ${fresh.toFixed(0).padStart(10)} ${afterChange.toFixed(0).padStart(13)}`,
  );
  rows.push(
    { id: `lookup-depth-${depth}-warm`, label: `warm lookup, depth ${depth}`, value: warm, unit: 'ns' },
    { id: `lookup-depth-${depth}-new`, label: `new instance, depth ${depth}`, value: fresh, unit: 'ns' },
    { id: `lookup-depth-${depth}-change`, label: `after a change, depth ${depth}`, value: afterChange, unit: 'ns' },
  );
}
emitRows('coreGrowth', rows);
