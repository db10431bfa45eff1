/**
 * A 304 answered by the node:http adapter vs raw node:http answering the same 304 with the same
 * headers as one flat array with a fresh Expires (bar ≥ 0.9×). wrk sends the page's ETag in
 * If-None-Match, so every answer is a 304 (anything else fails the run). Measured with the shared
 * pair runner: fresh-process repetitions, rounds alternating, median and range of the ratios.
 *
 *   npx tsc -b bench && node bench/dist/http304.js [--repetitions 5] [--rounds 2] [--seconds 2] [--check]
 */
import { ETAG } from './servers/benchSite.js';
import { runPairs } from './lib/pairRunner.js';

const inm = { 'If-None-Match': ETAG };
await runPairs('http304', [
  {
    id: '304-node',
    label: '304 via the node:http adapter vs a flat-array raw 304',
    bar: 0.9,
    candidate: { name: 'node:http adapter 304', script: 'nodeAdapter.js' },
    baseline: { name: 'raw node:http 304', script: 'rawNode.js' },
    requestHeaders: inm,
    status: 304,
  },
  {
    id: '304-fastify',
    label: '304 via the Fastify plugin vs a flat-array raw 304',
    candidate: { name: 'Fastify plugin 304', script: 'fastifyAdapter.js' },
    baseline: { name: 'raw node:http 304', script: 'rawNode.js' },
    requestHeaders: inm,
    status: 304,
  },
  {
    id: '304-fastify-caching',
    label: '304 via the Fastify plugin vs @fastify/caching (the peer)',
    candidate: { name: 'Fastify plugin 304', script: 'fastifyAdapter.js' },
    baseline: { name: '@fastify/caching 304', script: 'fastifyCaching304.js' },
    requestHeaders: inm,
    status: 304,
    differentAnswers: true,
  },
]);
