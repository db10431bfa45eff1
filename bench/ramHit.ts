/**
 * A RAM-cache hit through the node:http adapter vs raw node:http sending the same bytes (DESIGN.md
 * §5 bar: ≥ 0.85×), and vs Express + apicache serving the same 20 KB page from its cache (reported).
 * Each server runs in its own process; wrk drives them in turn, rounds alternating.
 *
 * The raw baseline gets exactly the status and headers the RAM hit sends: they are read from the RAM
 * server's first hit and handed to the raw server, so both put the same bytes on the wire.
 *
 *   npx tsc -b bench && node bench/dist/ramHit.js [--seconds 5] [--rounds 5] [--connections 32] [--check]
 */
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { BODY } from './servers/benchSite.js';
import { cpuPerRequest, httpBenchOptions, report, reportCpu, results } from './lib/httpBench.js';
import { BenchServer } from './lib/wrk.js';

const options = httpBenchOptions();
const BAR = 0.85;

function get(url: string): Promise<{ status: number; headers: [string, string][]; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2)
          headers.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

const script = (name: string): string => fileURLToPath(new URL(`./servers/${name}`, import.meta.url));
let port = 20_000 + Math.floor(Math.random() * 20_000);
const servers: BenchServer[] = [];
try {
  const ram = await BenchServer.start('node:http adapter, RAM hit', script('ramNodeHit.js'), (port += 1));
  servers.push(ram);
  const first = await get(`${ram.url}/`);
  const hit = await get(`${ram.url}/`);
  if (first.status !== 200 || hit.status !== 200 || !hit.headers.some(([n]) => n.toLowerCase() === 'x-ramcache'))
    throw new Error('the RAM server does not answer from its cache');
  if (hit.body.toString() !== BODY) throw new Error('the RAM hit body differs from the page');
  // Everything but what node:http writes itself (Date, Connection, Keep-Alive).
  const sent = hit.headers.filter(([n]) => !['date', 'connection', 'keep-alive'].includes(n.toLowerCase()));
  const raw = await BenchServer.start('raw node:http, same bytes', script('ramRawNode.js'), (port += 1), [
    JSON.stringify(sent),
  ]);
  servers.push(raw);
  const rawHit = await get(`${raw.url}/`);
  if (rawHit.body.toString() !== BODY || rawHit.headers.length !== hit.headers.length)
    throw new Error('the raw server does not send the same response');
  const apicache = await BenchServer.start('express + apicache hit', script('ramExpressApicache.js'), (port += 1));
  servers.push(apicache);
  await get(`${apicache.url}/`);

  console.log(
    `RAM-cache hit of a ${BODY.length} byte page, ${options.connections} connections, ${options.rounds} rounds of ${options.seconds} s`,
  );
  console.log(`headers of the hit: ${sent.map(([n]) => n).join(', ')}`);
  const [baseline, ours, theirs] = await results(
    [raw, ram, apicache].map((s) => ({ name: s.name, url: `${s.url}/` })),
    options,
  );
  if (baseline === undefined || ours === undefined || theirs === undefined) throw new Error('no results');
  const ratio = report('RAM-cache hit through the node:http adapter vs raw node:http', ours, baseline, BAR);
  console.log(
    `  express + apicache hit: ${Math.round(theirs.requestsPerSecond)} req/s = ${(theirs.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)} x raw node:http; cacheset RAM hit = ${(ours.requestsPerSecond / theirs.requestsPerSecond).toFixed(2)} x express + apicache`,
  );
  reportCpu(
    'server CPU time per RAM hit',
    { name: ram.name, ...(await cpuPerRequest(ram, {}, options)) },
    { name: raw.name, ...(await cpuPerRequest(raw, {}, options)) },
  );
  if (options.check && ratio < BAR) process.exitCode = 1;
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}
