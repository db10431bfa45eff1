/**
 * The latency a purging request adds: the same application (node:http + @cacheset/http, each request
 * fires a Purge event for a distinct page: two paths and one tag) with purging on, sending PURGE and
 * xkey requests to a local Varnish after each response, and with purging disabled (`enabled: false`).
 * Bar: within noise, since purges are sent after the response has finished.
 *
 * 1. Isolated requests (the bar): one keep-alive client, a pause of `pause` ms after each request so
 *    that the previous request's purges are done; each round trip is what the purging request itself
 *    sees.
 * 2. Back-to-back requests: the same client without pauses. Here the next request arrives while the
 *    process is still sending the previous request's purges, so this shows the CPU cost of purging
 *    (on this 2-core machine the client, the application and Varnish share the cores).
 * 3. wrk, 32 connections: throughput with and without purging.
 *
 * Rounds alternate between the two servers; the medians of the per-round statistics are reported.
 *
 *   npx tsc -b bench && node bench/dist/purgeLatency.js [requests per round = 2000] [rounds = 6] [wrk seconds = 3] [pause ms = 2]
 */
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { emitRows, type BenchRow } from './lib/benchRows.js';
import { BenchServer, compareServers } from './lib/wrk.js';
import { freeLoopbackPort } from './lib/ports.js';
import { BenchVarnish } from './purgeVarnish.js';

const perRound = Number(process.argv[2] ?? 2_000);
const rounds = Number(process.argv[3] ?? 6);
const wrkSeconds = Number(process.argv[4] ?? 3);
const pauseMs = Number(process.argv[5] ?? 2);
const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, pauseMs));
const script = fileURLToPath(new URL('./servers/purgeLatencyServer.js', import.meta.url));

function get(agent: Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.once('end', () => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - started) / 1_000);
      });
    });
    req.once('error', reject);
    req.end();
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

const varnish = await BenchVarnish.start(await freeLoopbackPort());
const servers = [
  await BenchServer.start('purging off', script, await freeLoopbackPort(), ['off', varnish.url]),
  await BenchServer.start('purging on', script, await freeLoopbackPort(), ['purge', varnish.url]),
];
let serial = 0;
const rows: BenchRow[] = [];
try {
  const agents = servers.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  for (const [i, server] of servers.entries())
    for (let n = 0; n < 1_000; n += 1) await get(agents[i] as Agent, server.port, `/warmup/${serial++}`);
  for (const mode of ['isolated', 'back-to-back'] as const) {
    const stats = servers.map(() => ({
      p50: [] as number[],
      p90: [] as number[],
      p99: [] as number[],
      mean: [] as number[],
    }));
    for (let r = 0; r < rounds; r += 1) {
      const order = r % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const server = servers[i] as BenchServer;
        const samples: number[] = [];
        for (let n = 0; n < perRound; n += 1) {
          samples.push(await get(agents[i] as Agent, server.port, `/edit/${serial++}`));
          if (mode === 'isolated') await pause();
        }
        samples.sort((a, b) => a - b);
        const s = stats[i] as (typeof stats)[number];
        s.p50.push(percentile(samples, 0.5));
        s.p90.push(percentile(samples, 0.9));
        s.p99.push(percentile(samples, 0.99));
        s.mean.push(samples.reduce((a, b) => a + b, 0) / samples.length);
      }
    }
    console.log(
      `${mode} requests${mode === 'isolated' ? ` (${pauseMs} ms pause after each)` : ''}, ${perRound} per round, ${rounds} rounds; medians over rounds, microseconds`,
    );
    console.log(
      `  ${'server'.padEnd(14)} ${'p50'.padStart(8)} ${'p90'.padStart(8)} ${'p99'.padStart(8)} ${'mean'.padStart(8)}   per-round p50`,
    );
    for (const [i, server] of servers.entries()) {
      const s = stats[i] as (typeof stats)[number];
      console.log(
        `  ${server.name.padEnd(14)} ${median(s.p50).toFixed(0).padStart(8)} ${median(s.p90).toFixed(0).padStart(8)} ${median(s.p99).toFixed(0).padStart(8)} ${median(s.mean).toFixed(0).padStart(8)}   ${s.p50.map((v) => v.toFixed(0)).join(', ')}`,
      );
    }
    const [off, on] = stats as [(typeof stats)[number], (typeof stats)[number]];
    const spread = (values: readonly number[]): number => Math.max(...values) - Math.min(...values);
    if (mode === 'isolated')
      rows.push({
        id: 'purge-latency',
        label: 'p50 latency of a purging request (purges after the response)',
        value: median(on.p50),
        unit: 'µs',
        reference: median(off.p50),
        referenceLabel: `purging off (round-to-round spread ${spread(off.p50).toFixed(0)} µs)`,
      });
    console.log(
      `  added p50: ${(median(on.p50) - median(off.p50)).toFixed(0)} µs; round-to-round spread of p50: off ${spread(off.p50).toFixed(0)} µs, on ${spread(on.p50).toFixed(0)} µs`,
    );
  }
  for (const agent of agents) agent.destroy();

  if (wrkSeconds > 0) {
    const results = await compareServers(
      servers.map((s) => ({ name: s.name, url: `${s.url}/edit/wrk` })),
      { rounds: 3, seconds: wrkSeconds, connections: 32, warmupSeconds: 1 },
    );
    console.log(
      `wrk, 32 connections, ${wrkSeconds} s x 3 rounds (median requests/s; every request fires a purge of the same page)`,
    );
    for (const r of results)
      console.log(
        `  ${r.name.padEnd(14)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s   rounds: ${r.rounds.map((v) => v.toFixed(0)).join(', ')}`,
      );
    const [a, b] = results;
    if (a !== undefined && b !== undefined)
      console.log(`  ratio on/off: ${(b.requestsPerSecond / a.requestsPerSecond).toFixed(2)}`);
  }
  emitRows('purgeLatency', rows);
} finally {
  for (const server of servers) await server.stop();
  await varnish.stop();
}
