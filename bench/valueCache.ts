/**
 * The RAM value cache (`manager.values.get / set`) against the value caches a user would pick
 * instead, on the same get/set workload in one process: bentocache (memory driver) and
 * cache-manager (its default in-memory Keyv store). 10 000 keys are stored first; each operation is
 * then a get of a stored key, every tenth a set of a new value, awaited one after another (as a
 * request handler does). Rounds alternate between the three; medians reported (no bar).
 *
 *   npx tsc -b bench && node bench/dist/valueCache.js [--rounds 7] [--operations 200000]
 */
import { RamCacheManager } from '@cacheset/ram';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { createCache } from 'cache-manager';
import { emitRows } from './lib/benchRows.js';
import { median } from './lib/pairRunner.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(name);
  return i < 0 ? fallback : Number(argv[i + 1]);
};
const ROUNDS = flag('--rounds', 7);
const OPERATIONS = flag('--operations', 200_000);
const KEYS = 10_000;
const quiet = { warn: () => undefined, error: () => undefined };

interface ValueStore {
  readonly name: string;
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<unknown>;
}

const ram = new RamCacheManager({ bus: false, logger: quiet, maxBytes: '256MB', maxEntries: 50_000, maxAge: 3600 });
const bento = new BentoCache({
  default: 'memory',
  stores: { memory: bentostore().useL1Layer(memoryDriver({ maxSize: '256mb', maxItems: 50_000 })) },
});
const manager = createCache({ ttl: 3_600_000 });
const stores: ValueStore[] = [
  { name: 'cacheset RAM values', get: (k) => ram.values.get(k), set: (k, v) => ram.values.set(k, v) },
  {
    name: 'bentocache (memory)',
    get: (k) => bento.get({ key: k }),
    set: (k, v) => bento.set({ key: k, value: v, ttl: '1h' }),
  },
  { name: 'cache-manager (Keyv memory)', get: (k) => manager.get(k), set: (k, v) => manager.set(k, v) },
];
const keys = Array.from({ length: KEYS }, (_, i) => `/items/${i}`);
const value = (i: number): unknown => ({ id: i, title: `Item ${i}`, tags: ['a', 'b'], price: i * 1.5 });
for (const s of stores) for (const [i, k] of keys.entries()) await s.set(k, value(i));
for (const s of stores) if ((await s.get(keys[17] as string)) === undefined) throw new Error(`${s.name}: no hit`);

async function round(s: ValueStore, operations: number): Promise<number> {
  let hits = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < operations; i += 1) {
    const key = keys[(i * 7919) % KEYS] as string;
    if (i % 10 === 9) await s.set(key, value(i));
    else if ((await s.get(key)) !== undefined) hits += 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (hits < operations * 0.89) throw new Error(`${s.name}: only ${hits} hits`);
  return operations / seconds;
}

for (const s of stores) await round(s, OPERATIONS / 4);
const samples = stores.map(() => [] as number[]);
for (let r = 0; r < ROUNDS; r += 1) {
  const order = r % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
  for (const i of order) samples[i]?.push(await round(stores[i] as ValueStore, OPERATIONS));
}
const rates = samples.map((s) => median(s));
console.log(`${KEYS} keys, ${OPERATIONS} operations per round (9 gets : 1 set), ${ROUNDS} rounds, medians`);
for (const [i, s] of stores.entries())
  console.log(
    `  ${s.name.padEnd(30)} ${Math.round(rates[i] ?? 0)
      .toLocaleString('en-US')
      .padStart(10)} ops/s`,
  );
const ours = rates[0] ?? 0;
emitRows(
  'valueCache',
  stores.slice(1).map((s, i) => ({
    id: `values-vs-${s.name.split(' ')[0] ?? ''}`,
    label: `RAM value cache get/set vs ${s.name}`,
    value: ours,
    unit: 'ops/s',
    reference: rates[i + 1] ?? 0,
    referenceLabel: s.name,
    ratio: ours / (rates[i + 1] ?? 1),
  })),
);
await ram.close();
await bento.disconnectAll();
await manager.disconnect();
