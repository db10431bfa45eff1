/**
 * Prepared renders of the node:http adapter: a page its handler renders gets the caching headers
 * the engine gave it before, set in one go, when everything they rest on still holds. The contract:
 * the same requests sent to a site with prepared answers and to one without get the same status,
 * headers (but Date, in the same order) and body, whatever the handler does on a given request
 * (set a cookie or another header, answer 404, stream, name a ruleset late, throw, wait for work),
 * and after a policy edit, a content edit and the clock's second turning.
 */
import { bindAdapter, ILastModified, OperationRegistry, RulesetRegistry, type PolicyData } from '@cacheset/core';
import {
  cachingHandler,
  createHttpCaching,
  registerHttpOperations,
  setCacheRuleset,
  type HttpCaching,
} from '@cacheset/http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { currentUnitOfWork } from '@cacheset/core';
import { Container } from 'inversify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, serveRoutes, type RawResponse } from './fixtures/wire.js';

class Page {
  constructor(public updatedAt: DateTime) {}
}
class PageView {
  constructor(readonly context: Page) {}
}

const policy = (smaxage: number): PolicyData => ({
  operationMapping: { 'site.page': 'moderateCaching', 'site.other': 'strongCaching' },
  operations: {
    moderateCaching: {
      rulesets: {
        'site.page': {
          smaxage,
          etags: ['lastModified', 'resourceVersion'],
          lastModified: true,
          vary: ['Accept-Language'],
        },
      },
    },
    strongCaching: { rulesets: { 'site.other': { maxage: 60 } } },
  },
});

const content = {
  page: new Page(DateTime.fromISO('2026-11-01T09:30:00Z', { zone: 'utc' })),
  clock: Date.parse('2026-12-02T10:00:00.250Z'),
  /** Work a handler waited for, settled (see the 'work' variant). */
  settled: 0,
};
const view = new PageView(content.page);

/** What code reading the response after it was sent saw (by the server's port): every header sent. */
const sentHeaders = new Map<number, string[]>();

/** What the handler does, by the request's `x-variant` header. */
function handler(req: IncomingMessage, res: ServerResponse): unknown {
  const variant = req.headers['x-variant'];
  res.once('finish', () => {
    const seenBy = sentHeaders.get(req.socket.localPort ?? 0) ?? [];
    seenBy.push(JSON.stringify(res.getHeaders()));
    sentHeaders.set(req.socket.localPort ?? 0, seenBy);
  });
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
      const done = new Promise<void>((resolve) =>
        setTimeout(() => {
          content.settled += 1;
          resolve();
        }, 40),
      );
      currentUnitOfWork()?.waitFor(done, 'a search index update');
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

interface Site {
  readonly caching: HttpCaching;
  readonly base: string;
  readonly port: number;
  close(): Promise<void>;
}

async function site(preparedAnswers: boolean): Promise<Site> {
  const container = new Container();
  bindAdapter(container, {
    provides: ILastModified,
    for: Page,
    factory: (page: Page) => ({ lastModified: () => page.updatedAt }),
  });
  const rulesets = new RulesetRegistry();
  rulesets.register(PageView, 'site.page');
  const caching = createHttpCaching({
    rulesets,
    operations: registerHttpOperations(new OperationRegistry()),
    container,
    resourceVersion: 'v1',
    logger: { warn: () => undefined, error: () => undefined },
    now: () => content.clock,
    policy: policy(3600),
    preparedAnswers,
  });
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

function seen(response: RawResponse): {
  status: number;
  headers: Record<string, string>;
  order: string[];
  body: string;
} {
  const { date: _date, ...headers } = response.headers;
  return { status: response.status, headers, order: Object.keys(headers), body: response.text };
}

describe('prepared renders (node:http)', () => {
  let on: Site;
  let off: Site;
  beforeAll(async () => {
    on = await site(true);
    off = await site(false);
  });
  afterAll(async () => {
    await Promise.all([on, off].map((s) => s.close()));
  });

  const rendered = (): number => on.caching.prepared?.rendered ?? 0;

  /** Sends the request to both sites and expects the same answer; gives the prepared site's. */
  async function expectSame(headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
    const expected = await rawRequest(`${off.base}/page`, { method, headers });
    const got = await rawRequest(`${on.base}/page`, { method, headers });
    const label = `${method} ${JSON.stringify(headers)}`;
    expect({ label, ...seen(got) }).toEqual({ label, ...seen(expected) });
    return got;
  }

  it('renders a page with the headers the engine gave it, from the second request on', async () => {
    await expectSame();
    const before = rendered();
    for (const language of [{}, { 'accept-language': 'de' }]) {
      await expectSame(language);
      await expectSame(language, 'HEAD');
    }
    expect(rendered() - before).toBe(4);
    // Code that reads the response once it was sent (a logger) sees the same headers either way.
    expect(sentHeaders.get(on.port)).toEqual(sentHeaders.get(off.port));
    expect(sentHeaders.get(on.port)?.at(-1)).toContain('s-maxage=3600');
    const page = await rawRequest(`${on.base}/page`);
    expect(page.headers['cache-control']).toBe('max-age=0, s-maxage=3600, must-revalidate');
    expect(page.headers['content-length']).toBe(String(Buffer.byteLength(page.text)));
    expect(off.caching.prepared).toBeUndefined();
  });

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

  it('holds the response until the work its handler started has settled', async () => {
    await expectSame();
    const before = rendered();
    const settled = content.settled;
    await rawRequest(`${on.base}/page`, { headers: { 'x-variant': 'work' } });
    expect(content.settled).toBe(settled + 1);
    expect(rendered() - before).toBe(1);
  });

  it('follows the clock, a content edit and a policy edit at once', async () => {
    await expectSame();
    content.clock += 2_500;
    const before = rendered();
    const later = await expectSame();
    expect(rendered() - before).toBe(1);
    expect(later.headers.expires).toBe(
      new Date(Math.floor(content.clock / 1000) * 1000 - 3650 * 86_400_000).toUTCString(),
    );

    content.page.updatedAt = content.page.updatedAt.plus({ minutes: 5 });
    const edited = await expectSame();
    expect(edited.headers['last-modified']).toBe(content.page.updatedAt.toHTTP());
    await expectSame();

    for (const s of [on, off]) s.caching.setPolicy(policy(60));
    const changed = await expectSame();
    expect(changed.headers['cache-control']).toBe('max-age=0, s-maxage=60, must-revalidate');
    const relearnt = rendered();
    await expectSame();
    expect(rendered() - relearnt).toBe(1);
  });
});
