import type { AddressInfo } from 'node:net';
import { CachesetError, currentUnitOfWork } from '@cacheset/core';
import { setCacheRuleset } from '@cacheset/http';
import { cachesetFastify } from '@cacheset/http/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { BODY, createFixture, type Fixture } from '../contract/fixture.js';
import { eventually, lineCount, wireRequest } from '../contract/support/wire.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function build(
  f: Fixture,
  routes: (app: FastifyInstance) => void,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  apps.push(app);
  await app.register(cachesetFastify, { caching: f.caching });
  routes(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

const codeOf = (error: unknown): string =>
  CachesetError.is(error) ? error.code : `not a CachesetError: ${String(error)}`;

describe('@cacheset/http/fastify', () => {
  it('is a fastify-plugin named @cacheset/http/fastify, visible to the app that registered it', async () => {
    const { app } = await build(createFixture(), () => undefined);
    expect(app.hasPlugin('@cacheset/http/fastify')).toBe(true);
  });

  it('merges the Vary a handler set through the reply with the policy Vary: one header line, both names', async () => {
    const f = createFixture();
    const { url } = await build(f, (app) => {
      app.get('/page', { config: { cachePublished: f.pageView } }, async (_request, reply) =>
        reply.header('Vary', 'Accept-Encoding').type('text/html').send(BODY.page),
      );
    });
    const response = await wireRequest(`${url}/page`);
    expect(lineCount(response, 'vary')).toBe(1);
    expect(response.headers.vary).toBe('Accept-Encoding, Accept-Language');
    expect(lineCount(response, 'cache-control')).toBe(1);
  });

  it('keeps a serialized JSON payload in the RAM cache and replays it', async () => {
    const f = createFixture();
    let calls = 0;
    const { url } = await build(f, (app) => {
      app.get('/data', { config: { cacheRuleset: 'site.ram' } }, async () => {
        calls += 1;
        return { images: ['cat', 'dog'] };
      });
    });
    const first = await wireRequest(`${url}/data`);
    await eventually(() => f.responseCache.entries.size === 1, 'the response to be stored');
    const second = await wireRequest(`${url}/data`);
    expect(second.headers['x-ramcache']).toBe('cacheset.ramcache');
    expect(JSON.parse(second.text)).toEqual({ images: ['cat', 'dog'] });
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(calls).toBe(1);
  });

  it('replays a RAM hit to HEAD with the headers and no body', async () => {
    const f = createFixture();
    const { url } = await build(f, (app) => {
      app.get('/ram', { config: { cacheRuleset: 'site.ram' } }, async (_request, reply) =>
        reply.type('text/html').send(BODY.ram),
      );
    });
    await wireRequest(`${url}/ram`);
    await eventually(() => f.responseCache.entries.size === 1, 'the response to be stored');
    const head = await wireRequest(`${url}/ram`, { method: 'HEAD' });
    expect(head.headers['x-ramcache']).toBe('cacheset.ramcache');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(BODY.ram)));
    expect(head.body.byteLength).toBe(0);
  });

  it('honours setCacheRuleset on the reply, like the other adapters', async () => {
    const f = createFixture();
    const { url } = await build(f, (app) => {
      app.get('/late', async (_request, reply) => {
        setCacheRuleset(reply, 'site.late');
        return reply.type('text/html').send(BODY.plain);
      });
    });
    const response = await wireRequest(`${url}/late`);
    expect(response.headers['cache-control']).toBe('max-age=600, proxy-revalidate, public');
  });

  it('closes the unit of work of a request no route matched', async () => {
    const f = createFixture();
    let closed = '';
    const { url } = await build(f, (app) => {
      app.setNotFoundHandler(async (request, reply) => {
        currentUnitOfWork()?.onAbort(() => void (closed = `aborted ${request.url}`));
        return reply.code(404).send('none');
      });
    });
    const response = await wireRequest(`${url}/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers['cache-control']).toBeUndefined();
    await eventually(() => closed !== '', 'the unit to abort');
    expect(closed).toBe('aborted /nowhere');
  });

  describe('set-up errors', () => {
    it('rejects registration without an HttpCaching', async () => {
      const app = Fastify();
      apps.push(app);
      await expect(app.register(cachesetFastify, {} as never)).rejects.toSatisfy(
        (error) => codeOf(error) === 'ERR_CACHESET_INVALID_ADAPTER_OPTIONS',
      );
    });

    it('rejects a route whose config names a ruleset that is not a dotted name, when the route is added', async () => {
      const f = createFixture();
      const app = Fastify();
      apps.push(app);
      await app.register(cachesetFastify, { caching: f.caching });
      let error: unknown;
      try {
        app.get('/bad', { config: { cacheRuleset: 'site frontpage' } }, async () => 'x');
      } catch (caught) {
        error = caught;
      }
      expect(codeOf(error)).toBe('ERR_CACHESET_INVALID_ROUTE');
      expect(String((error as Error).message)).toContain('/bad');
    });

    it('rejects a route whose config publishes something that cannot be looked up', async () => {
      const f = createFixture();
      const app = Fastify();
      apps.push(app);
      await app.register(cachesetFastify, { caching: f.caching });
      expect(() => app.get('/bad', { config: { cachePublished: 42 } }, async () => 'x')).toThrow(
        /published view must be an object or a class/,
      );
    });
  });
});
