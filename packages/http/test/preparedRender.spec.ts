/**
 * Prepared renders of the node:http adapter: a page its handler renders gets the caching headers
 * the engine gave it before, set in one go, when everything they rest on still holds. The contract:
 * the same requests sent to a site with prepared answers and to one without get the same status,
 * headers (but Date, in the same order) and body, whatever the handler does on a given request
 * (set a cookie or another header, answer 404, stream, name a ruleset late, throw, wait for work),
 * and after a policy edit, a content edit and the clock's second turning.
 */
import { cachingHandler, setCacheRuleset } from '@cacheset/http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { currentUnitOfWork } from '@cacheset/core';
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
import { serveRoutes } from './fixtures/wire.js';

/** What the handler does, by the request's `x-variant` header. */
function handler(req: IncomingMessage, res: ServerResponse): unknown {
  const variant = req.headers['x-variant'];
  res.once('finish', () => recordSent(req.socket.localPort ?? 0, res.getHeaders()));
  const body = `<h1>page</h1><p>${String(req.headers['accept-language'] ?? 'any')}</p>`;
  switch (variant) {
    case 'cookie':
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Set-Cookie', 'seen=1; Path=/');
      res.end(body);
      return undefined;
    case 'header':
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('X-Request-Id', 'req-1');
      res.end(body);
      return undefined;
    case 'inert':
      // Other inert headers than the ones learnt: the engine's way, the same answer.
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(body);
      return undefined;
    case 'missing':
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end('<h1>not here</h1>');
      return undefined;
    case 'stream':
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.write('<h1>page</h1>');
      res.end('<p>streamed</p>');
      return undefined;
    case 'writeHead':
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(body);
      return undefined;
    case 'late':
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      setCacheRuleset(res, 'site.other');
      res.end(body);
      return undefined;
    case 'throw':
      throw new Error('the template is broken');
    case 'work': {
      currentUnitOfWork()?.waitFor(slowWork(), 'a search index update');
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(body);
      return undefined;
    }
    case 'async':
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          res.setHeader('Content-Type', 'text/html; charset=utf-8');
          res.end(body);
          resolve();
        }, 5),
      );
    default:
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(body);
      return undefined;
  }
}

async function site(preparedAnswers: boolean): Promise<Site> {
  const caching = pageCaching(preparedAnswers);
  const { server, base } = await serveRoutes(
    new Map([['/page', cachingHandler(caching, handler, { published: view })]]),
  );
  return {
    caching,
    base,
    port: Number(new URL(base).port),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('prepared renders (node:http)', () => {
  const sites = sitePair(site);
  const { expectSame, rendered } = sites;

  it('gives the engine every response whose handler does something else, with the same answer', async () => {
    await expectSame();
    for (const variant of ['cookie', 'header', 'inert', 'missing', 'stream', 'writeHead', 'late', 'throw', 'async']) {
      const before = rendered();
      await expectSame({ 'x-variant': variant });
      // 'async' renders the learnt way after its timer; every other variant leaves the template.
      expect({ variant, prepared: rendered() - before }).toEqual({ variant, prepared: variant === 'async' ? 1 : 0 });
      // The page that follows is prepared again.
      const after = rendered();
      await expectSame();
      expect(rendered() - after).toBe(1);
    }
  });

  commonRenderTests(sites, { headRouteOfItsOwn: false });
});
