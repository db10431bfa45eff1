/**
 * A RAM-cache hit through each adapter vs the same framework sending the same bytes by hand (bar
 * ≥ 0.9×): node:http vs raw node:http, the Fastify plugin vs plain Fastify, the Express adapter vs
 * plain Express. The baselines replay the hit's own headers (captured from the cacheset server's
 * first hit) with Age and Expires kept fresh, so both sides put the same bytes on the wire. Also
 * reported: the node:http hit vs Express + apicache serving the page from its cache.
 *
 *   npx tsc -b bench && node bench/dist/ramHit.js [--repetitions 5] [--rounds 2] [--seconds 2] [--check]
 */
import { runPairs } from './lib/pairRunner.js';

await runPairs('ramHit', [
  {
    id: 'ram-node',
    label: 'RAM hit via node:http vs raw node:http, same bytes',
    bar: 0.9,
    candidate: { name: 'node:http adapter, RAM hit', script: 'ramNodeHit.js' },
    baseline: { name: 'raw node:http, same bytes', script: 'ramRawNode.js' },
    replayCandidate: true,
    primeRequests: 2,
    status: 200,
  },
  {
    id: 'ram-fastify',
    label: 'RAM hit via the Fastify plugin vs plain Fastify, same bytes',
    bar: 0.9,
    candidate: { name: 'Fastify plugin, RAM hit', script: 'ramFastifyHit.js' },
    baseline: { name: 'plain Fastify, same bytes', script: 'replayFastify.js' },
    replayCandidate: true,
    primeRequests: 2,
    status: 200,
  },
  {
    id: 'ram-express',
    label: 'RAM hit via the Express adapter vs plain Express, same bytes',
    bar: 0.9,
    candidate: { name: 'Express adapter, RAM hit', script: 'ramExpressHit.js' },
    baseline: { name: 'plain Express, same bytes', script: 'replayExpress.js' },
    replayCandidate: true,
    primeRequests: 2,
    status: 200,
  },
  {
    id: 'ram-apicache',
    label: 'RAM hit via node:http vs Express + apicache (the peer), same page',
    candidate: { name: 'node:http adapter, RAM hit', script: 'ramNodeHit.js' },
    baseline: { name: 'express + apicache hit', script: 'ramExpressApicache.js' },
    differentAnswers: true,
    primeRequests: 2,
    status: 200,
  },
]);
