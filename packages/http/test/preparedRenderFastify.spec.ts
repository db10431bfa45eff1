/**
 * Prepared renders of the Fastify plugin: a page a route renders gets the caching headers the
 * engine gave it before, set on the reply in onSend, when everything they rest on still holds. The
 * contract, as for node:http: the same requests sent to a site with prepared answers and to one
 * without get the same status, headers (but Date, in the same order) and body, whatever the handler
 * does on a given request (set a cookie or another header, answer 404, stream, name a ruleset late,
 * throw, wait for work), and after a policy edit, a content edit and the clock's second turning.
 */
import { setCacheRuleset } from '@cacheset/http';
import { cachesetFastify } from '@cacheset/http/fastify';
import { currentUnitOfWork } from '@cacheset/core';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  commonRenderTests,
  pageCaching,
  recordSent,
  sitePair,
  slowWork,
  view,
  type Site,
} from './fixtures/preparedRenderSites.js';

const HTML = 'text/html; charset=utf-8';

/** What the handler does, by the request's `x-variant` header. */
async function handler(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const variant = request.headers['x-variant'];
  reply.raw.once('finish', () => recordSent(request.raw.socket.localPort ?? 0, reply.getHeaders()));
  const body = `<h1>page</h1><p>${String(request.headers['accept-language'] ?? 'any')}</p>`;
  switch (variant) {
    case 'cookie':
      return reply.type(HTML).header('set-cookie', 'seen=1; Path=/').send(body);
    case 'header':
      return reply.type(HTML).header('x-request-id', 'req-1').send(body);
    case 'inert':
      // Other inert headers than the ones learnt: the engine's way, the same answer.
      return reply.header('x-frame-options', 'DENY').type(HTML).send(body);
    case 'text':
      // The same header names with another value: still the learnt headers, with this value.
      return body;
    case 'missing':
      return reply.code(404).type(HTML).send('<h1>not here</h1>');
    case 'stream':
      return reply.type(HTML).send(Readable.from(['<h1>page</h1>', '<p>streamed</p>']));
    case 'late':
      setCacheRuleset(request.raw, 'site.other');
      return reply.type(HTML).send(body);
    case 'decorated':
      request.cacheRuleset = 'site.other';
      return reply.type(HTML).send(body);
    case 'throw':
      throw new Error('the template is broken');
    case 'work': {
      currentUnitOfWork()?.waitFor(slowWork(), 'a search index update');
      return reply.type(HTML).send(body);
    }
    case 'async':
      await new Promise((resolve) => setTimeout(resolve, 5));
      return reply.type(HTML).send(body);
    default:
      return reply.type(HTML).send(body);
  }
}

async function site(preparedAnswers: boolean): Promise<Site> {
  const caching = pageCaching(preparedAnswers);
  const app = Fastify();
  await app.register(cachesetFastify, { caching });
  app.get('/page', { config: { cachePublished: view } }, handler);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { caching, base, port: Number(new URL(base).port), close: () => app.close() };
}

describe('prepared renders (Fastify)', () => {
  const sites = sitePair(site);
  const { expectSame, rendered } = sites;

  it('gives the engine every reply whose handler does something else, with the same answer', async () => {
    await expectSame();
    const variants = ['cookie', 'header', 'inert', 'text', 'missing', 'stream', 'late', 'decorated', 'throw', 'async'];
    for (const variant of variants) {
      const before = rendered();
      await expectSame({ 'x-variant': variant });
      // 'text', 'stream' and 'async' keep the learnt headers (Fastify sets Content-Length, or
      // not for a stream, after onSend; the operations read neither); every other variant leaves them.
      const kept = ['text', 'stream', 'async'].includes(variant) ? 1 : 0;
      expect({ variant, prepared: rendered() - before }).toEqual({ variant, prepared: kept });
      // The page that follows is prepared again.
      const after = rendered();
      await expectSame();
      expect(rendered() - after).toBe(1);
    }
  });

  commonRenderTests(sites, { headRouteOfItsOwn: true });
});
