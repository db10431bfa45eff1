/**
 * The benchmark page from Varnish (the shipped VCL) in front of the node:http adapter: after the
 * first request every answer is a Varnish hit, the app never sees it. Reported next to the app's own
 * full 200 through the adapter (the layer it saves), measured alternately in the same run. For the
 * layers chart of `npm run bench`.
 *
 *   npx tsc -b bench && node bench/dist/varnishHit.js [--rounds 3] [--seconds 3]
 */
import { fileURLToPath } from 'node:url';
import { emitRows } from './lib/benchRows.js';
import { fetchAnswer } from './lib/pairRunner.js';
import { freeLoopbackPort } from './lib/ports.js';
import { BenchServer, compareServers } from './lib/wrk.js';
import { BenchVarnish } from './purgeVarnish.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(name);
  return i < 0 ? fallback : Number(argv[i + 1]);
};
const app = await BenchServer.start(
  'node:http adapter 200 (app)',
  fileURLToPath(new URL('./servers/nodeAdapter.js', import.meta.url)),
  await freeLoopbackPort(),
);
const varnish = await BenchVarnish.start(app.port);
try {
  await fetchAnswer(`${varnish.url}/`);
  const hit = await fetchAnswer(`${varnish.url}/`);
  const age = hit.headers.find(([n]) => n.toLowerCase() === 'age')?.[1];
  if (hit.status !== 200 || age === undefined)
    throw new Error(`Varnish does not answer the page from its cache (status ${hit.status})`);
  const [ours, own] = await compareServers(
    [
      { name: 'Varnish hit', url: `${varnish.url}/` },
      { name: app.name, url: `${app.url}/` },
    ],
    { rounds: flag('--rounds', 3), seconds: flag('--seconds', 3), connections: 32, warmupSeconds: 1 },
  );
  if (ours === undefined || own === undefined) throw new Error('no results');
  console.log('the benchmark page, 32 connections (median req/s)');
  for (const r of [ours, own]) console.log(`  ${r.name.padEnd(30)} ${Math.round(r.requestsPerSecond)} req/s`);
  emitRows('varnishHit', [
    {
      id: 'varnish-hit',
      label: 'Varnish hit (shipped VCL) in front of the node:http adapter',
      value: ours.requestsPerSecond,
      unit: 'req/s',
      reference: own.requestsPerSecond,
      referenceLabel: 'the app itself (full 200 through the adapter)',
      ratio: ours.requestsPerSecond / own.requestsPerSecond,
    },
  ]);
} finally {
  await varnish.stop();
  await app.stop();
}
