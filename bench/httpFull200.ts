/**
 * A full 200 (20 KB page with its caching headers) through the node:http adapter vs raw node:http
 * sending the same body and headers, and through the Fastify plugin vs plain Fastify setting the same
 * headers by hand (aim: ≥ 0.9× each). Each server runs in its own process; all four are measured in
 * the same alternating rounds. A second section reads each server's CPU time per request from /proc.
 *
 *   npx tsc -b bench && node bench/dist/httpFull200.js [--seconds 5] [--rounds 5] [--check]
 */
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
const AIM = 0.9;

const ratios = await withServers(
  [
    { name: 'raw node:http 200', script: 'rawNode.js' },
    { name: 'node:http adapter 200', script: 'nodeAdapter.js' },
    { name: 'plain Fastify 200', script: 'plainFastify.js' },
    { name: 'Fastify plugin 200', script: 'fastifyAdapter.js' },
  ],
  async (servers) => {
    const measured = await results(
      servers.map((s) => contender(s)),
      options,
    );
    const [raw, node, plain, plugin] = measured;
    if (raw === undefined || node === undefined || plain === undefined || plugin === undefined)
      throw new Error('no results');
    console.log(
      `full 200, 20 KB body, ${options.connections} connections, ${options.rounds} rounds of ${options.seconds} s`,
    );
    const found = [
      report('200 through the node:http adapter vs raw node:http', node, raw, AIM),
      report('200 through the Fastify plugin vs plain Fastify', plugin, plain, AIM),
    ];
    const [rawServer, nodeServer, plainServer, pluginServer] = servers;
    if (rawServer === undefined || nodeServer === undefined || plainServer === undefined || pluginServer === undefined)
      throw new Error('servers did not start');
    const cpu = async (s: typeof rawServer) => ({ name: s.name, ...(await cpuPerRequest(s, {}, options)) });
    reportCpu('server CPU time per 200, node:http', await cpu(nodeServer), await cpu(rawServer));
    reportCpu('server CPU time per 200, Fastify', await cpu(pluginServer), await cpu(plainServer));
    return found;
  },
);
if (options.check && ratios.some((r) => r < AIM)) process.exitCode = 1;
