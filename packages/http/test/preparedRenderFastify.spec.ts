/**
 * Prepared renders of the Fastify plugin: a page a route renders gets the caching headers the
 * engine gave it before, set on the reply in onSend, when everything they rest on still holds. The
 * contract, as for node:http: the same requests sent to a site with prepared answers and to one
 * without get the same status, headers (but Date, in the same order) and body, whatever the handler
 * does on a given request (set a cookie or another header, answer 404, stream, name a ruleset late,
 * throw, wait for work), and after a policy edit, a content edit and the clock's second turning.
 */
import { bindAdapter, ILastModified, OperationRegistry, RulesetRegistry, type PolicyData } from '@cacheset/core';
import { createHttpCaching, registerHttpOperations, setCacheRuleset, type HttpCaching } from '@cacheset/http';
import { cachesetFastify } from '@cacheset/http/fastify';
import { currentUnitOfWork } from '@cacheset/core';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { Container } from 'inversify';
import { DateTime } from 'luxon';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawResponse } from './fixtures/wire.js';

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

/** What code reading the reply after it was sent saw (by the server's port): every header sent. */
const sentHeaders = new Map<number, string[]>();

const HTML = 'text/html; charset=utf-8';

/** What the handler does, by the request's `x-variant` header. */
async function handler(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const variant = request.headers['x-variant'];
  reply.raw.once('finish', () => {
    const port = request.raw.socket.localPort ?? 0;
    const seenBy = sentHeaders.get(port) ?? [];
    seenBy.push(JSON.stringify(reply.getHeaders()));
    sentHeaders.set(port, seenBy);
  });
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
      const done = new Promise<void>((resolve) =>
        setTimeout(() => {
          content.settled += 1;
          resolve();
        }, 40),
      );
      currentUnitOfWork()?.waitFor(done, 'a search index update');
      return reply.type(HTML).send(body);
    }
    case 'async':
      await new Promise((resolve) => setTimeout(resolve, 5));
      return reply.type(HTML).send(body);
    default:
      return reply.type(HTML).send(body);
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
  const app = Fastify();
  await app.register(cachesetFastify, { caching });
  app.get('/page', { config: { cachePublished: view } }, handler);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { caching, base, port: Number(new URL(base).port), close: () => app.close() };
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

describe('prepared renders (Fastify)', () => {
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
    // Fastify's HEAD route is a route of its own: each learns from its first page.
    await expectSame();
    await expectSame({}, 'HEAD');
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
