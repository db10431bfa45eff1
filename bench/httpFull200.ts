/**
 * A full 200 (20 KB page with its caching headers) through the node:http adapter vs raw node:http
 * sending the same body and headers (one flat array, body length computed once), and through the
 * Fastify plugin vs plain Fastify setting the same headers by hand (bar ≥ 0.8× each). Measured with
 * the shared pair runner: fresh-process repetitions, rounds alternating, median and range.
 *
 *   npx tsc -b bench && node bench/dist/httpFull200.js [--repetitions 5] [--rounds 2] [--seconds 2] [--check]
 */
import { runPairs } from './lib/pairRunner.js';

await runPairs('httpFull200', [
  {
    id: '200-node',
    label: 'full 200 via the node:http adapter vs raw node:http, same headers',
    bar: 0.8,
    candidate: { name: 'node:http adapter 200', script: 'nodeAdapter.js' },
    baseline: { name: 'raw node:http 200', script: 'rawNode.js' },
    status: 200,
  },
  {
    id: '200-fastify',
    label: 'full 200 via the Fastify plugin vs plain Fastify, same headers',
    bar: 0.8,
    candidate: { name: 'Fastify plugin 200', script: 'fastifyAdapter.js' },
    baseline: { name: 'plain Fastify 200', script: 'plainFastify.js' },
    status: 200,
  },
]);
