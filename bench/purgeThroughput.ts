/**
 * Distinct paths purged per second against one local Varnish (the shipped VCL) over keep-alive
 * connections, each path sent once (DESIGN.md §5 bar: ≥ 5 000 paths/s).
 *
 * Each round hands `paths` new distinct paths to `purgeNow` (relative paths: encoded, prefixed and
 * queued exactly as the paths of Purge events are) and times until Varnish has answered every one.
 * Rounds alternate between the connection settings; the median round is reported.
 *
 *   npx tsc -b bench && node bench/dist/purgeThroughput.js [paths per round = 20000] [rounds = 5]
 */
import { createPurger } from '@cacheset/purge';
import { emitRows, type BenchRow } from './lib/benchRows.js';
import { freeLoopbackPort } from './lib/ports.js';
import { BenchVarnish } from './purgeVarnish.js';

const pathsPerRound = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 5);
const settings = [
  { name: '8 connections (default)', concurrency: 8, pipelining: 1 },
  { name: '16 connections', concurrency: 16, pipelining: 1 },
  { name: '4 connections, pipelining 4', concurrency: 4, pipelining: 4 },
];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const varnish = await BenchVarnish.start(await freeLoopbackPort());
const fleet = [varnish];
const rows: BenchRow[] = [];
let serial = 0;
try {
  const purgers = settings.map((s) =>
    // maxQueue holds a whole round: the benchmark hands over all paths at once (a real site trickles them).
    createPurger({
      proxies: [
        {
          url: varnish.url,
          name: s.name,
          concurrency: s.concurrency,
          pipelining: s.pipelining,
          maxQueue: Math.max(10_000, pathsPerRound),
        },
      ],
      bus: false,
      historySize: 0,
    }),
  );
  // Warm-up: connections open, JIT warm.
  for (const purger of purgers)
    await purger.purgeNow({ paths: Array.from({ length: 2_000 }, () => `/warmup/${serial++}`) });
  const samples = settings.map(() => [] as number[]);
  for (let r = 0; r < rounds; r += 1) {
    const order = r % 2 === 0 ? settings.map((_, i) => i) : settings.map((_, i) => settings.length - 1 - i);
    for (const i of order) {
      const paths = Array.from({ length: pathsPerRound }, () => `/images/${serial++}/view`);
      const started = process.hrtime.bigint();
      const report = await (purgers[i] as (typeof purgers)[number]).purgeNow({ paths });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (report.succeeded !== pathsPerRound || report.requests !== pathsPerRound) {
        throw new Error(
          `${settings[i]?.name}: ${report.succeeded} of ${pathsPerRound} purges succeeded (${report.failed} failed, ${report.dropped} dropped)`,
        );
      }
      (samples[i] as number[]).push(pathsPerRound / seconds);
    }
  }
  console.log(
    `purges to one local Varnish, ${pathsPerRound} distinct paths per round, ${rounds} rounds (median; each path sent once, all answered 200)`,
  );
  for (const [i, s] of settings.entries()) {
    const rate = median(samples[i] as number[]);
    console.log(
      `  ${s.name.padEnd(30)} ${rate.toFixed(0).padStart(7)} paths/s   rounds: ${(samples[i] as number[]).map((v) => v.toFixed(0)).join(', ')}${i === 0 ? `   bar ≥ 5000: ${rate >= 5_000 ? 'met' : 'NOT MET'}` : ''}`,
    );
  }
  for (const purger of purgers) await purger.close();
  rows.push({
    id: 'purge-throughput',
    label: 'distinct paths purged per second, one Varnish',
    value: median(samples[0] as number[]),
    unit: 'paths/s',
    ratio: median(samples[0] as number[]),
    bar: 5_000,
  });

  // How it grows with the fleet: the same paths to 1, 2 and 4 Varnish instances (every path to each).
  const extra = [
    await BenchVarnish.start(await freeLoopbackPort()),
    await BenchVarnish.start(await freeLoopbackPort()),
  ];
  extra.push(await BenchVarnish.start(await freeLoopbackPort()));
  fleet.push(...extra);
  const all = [varnish, ...extra];
  console.log(`paths purged per second with 1, 2 and 4 proxies (8 connections each; every path sent to each proxy)`);
  for (const count of [1, 2, 4]) {
    const purger = createPurger({
      proxies: all.slice(0, count).map((v, i) => ({ url: v.url, name: `varnish ${i + 1}`, maxQueue: pathsPerRound })),
      bus: false,
      historySize: 0,
    });
    await purger.purgeNow({ paths: Array.from({ length: 2_000 }, () => `/warmup/${serial++}`) });
    const rates: number[] = [];
    for (let r = 0; r < rounds; r += 1) {
      const paths = Array.from({ length: pathsPerRound }, () => `/images/${serial++}/view`);
      const started = process.hrtime.bigint();
      const report = await purger.purgeNow({ paths });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (report.succeeded !== pathsPerRound * count)
        throw new Error(`${count} proxies: ${report.succeeded} of ${pathsPerRound * count} purges succeeded`);
      rates.push(pathsPerRound / seconds);
    }
    await purger.close();
    const rate = median(rates);
    console.log(
      `  ${String(count).padStart(2)} proxies ${rate.toFixed(0).padStart(7)} distinct paths/s (${(rate * count).toFixed(0)} purge requests/s)`,
    );
    rows.push({
      id: `purge-proxies-${count}`,
      label: `distinct paths purged per second, ${count} proxies`,
      value: rate,
      unit: 'paths/s',
    });
  }
  emitRows('purgeThroughput', rows);
} finally {
  for (const v of fleet) await v.stop();
}
