/**
 * A 304 answered by the node:http adapter vs raw node:http answering the same 304 with the same
 * headers (DESIGN.md §5 bar: ≥ 0.9×). Each server runs in its own process; wrk sends the page's
 * ETag in If-None-Match, so every answer is a 304 (anything else fails the run). A second section
 * reads each server's CPU time per request from /proc, steadier than throughput on a shared machine.
 *
 *   npx tsc -b bench && node bench/dist/http304.js [--seconds 5] [--rounds 5] [--check]
 */
import { ETAG } from './servers/benchSite.js';
import {
  contender,
  cpuPerRequest,
  httpBenchOptions,
  report,
  reportCpu,
  results,
  withServers,
} from './lib/httpBench.js';

const options = httpBenchOptions();
const BAR = 0.9;
const headers = { 'If-None-Match': ETAG };

const ratio = await withServers(
  [
    { name: 'raw node:http 304', script: 'rawNode.js' },
    { name: 'node:http adapter 304', script: 'nodeAdapter.js' },
  ],
  async ([raw, adapter]) => {
    if (raw === undefined || adapter === undefined) throw new Error('servers did not start');
    const [base, ours] = await results([contender(raw, headers), contender(adapter, headers)], options);
    if (base === undefined || ours === undefined) throw new Error('no results');
    console.log(`304 answers, ${options.connections} connections, ${options.rounds} rounds of ${options.seconds} s`);
    const ratio = report('304 through the node:http adapter vs raw node:http', ours, base, BAR);
    reportCpu(
      'server CPU time per 304',
      { name: adapter.name, ...(await cpuPerRequest(adapter, headers, options)) },
      { name: raw.name, ...(await cpuPerRequest(raw, headers, options)) },
    );
    return ratio;
  },
);
if (options.check && ratio < BAR) process.exitCode = 1;
