import { Readable } from 'node:stream';
import { currentUnitOfWork } from '@cacheset/core';
import { cachesetFastify } from '@cacheset/http/fastify';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { BODY, FrontpageView, sleep, type StartContractServer } from '../fixture.js';

async function* streamed(chunks: readonly string[], between: () => Promise<void>): AsyncGenerator<string> {
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0) await between();
    yield chunk;
  }
}

/**
 * Fastify 5 as its users write it: the plugin registered once, routes naming their caching in
 * `config`, handlers naming it late with `request.cacheRuleset`.
 */
export const startFastifyServer: StartContractServer = async (f) => {
  const app = Fastify();
  await app.register(cachesetFastify, { caching: f.caching });

  const page = async (request: FastifyRequest, reply: FastifyReply): Promise<string> => {
    f.count(`page.${request.method}`);
    reply.type('text/html; charset=utf-8');
    return BODY.page;
  };
  const pageRoute = { config: { cachePublished: f.pageView } };
  app.get('/page', pageRoute, page);
  app.post('/page', pageRoute, page);
  app.put('/page', pageRoute, page);
  app.get('/strong', { config: { cacheRuleset: 'site.strong' } }, async (_request, reply) => {
    f.count('strong');
    return reply.type('text/html; charset=utf-8').send(BODY.strong);
  });
  app.get('/frontpage', { config: { cachePublished: FrontpageView } }, async (_request, reply) => {
    f.count('frontpage');
    return reply.type('text/html; charset=utf-8').send(BODY.frontpage);
  });
  app.get('/nocache', { config: { cacheRuleset: 'site.nocache' } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(BODY.plain),
  );
  app.get('/plain', async (_request, reply) => reply.type('text/html; charset=utf-8').send(BODY.plain));
  app.get('/late', async (request, reply) => {
    request.cacheRuleset = 'site.late';
    return reply.type('text/html; charset=utf-8').send(BODY.plain);
  });
  app.get('/late-view', async (request, reply) => {
    request.cachePublished = FrontpageView;
    return reply.type('text/html; charset=utf-8').send(BODY.frontpage);
  });
  app.get('/stream', { config: { cacheRuleset: 'site.stream' } }, (_request, reply) => {
    reply.type('text/html; charset=utf-8').send(Readable.from(streamed(BODY.streamChunks, () => sleep(5))));
  });
  app.get('/ram', { config: { cacheRuleset: 'site.ram' } }, async (_request, reply) => {
    f.count('ram');
    return reply.type('text/html; charset=utf-8').send(BODY.ram);
  });
  app.get('/ram-cookie', { config: { cacheRuleset: 'site.ram' } }, async (_request, reply) => {
    f.count('ram-cookie');
    return reply.header('set-cookie', 'session=abc; Path=/').type('text/html; charset=utf-8').send(BODY.ram);
  });
  app.get('/ram-slow', { config: { cacheRuleset: 'site.ram' } }, (_request, reply) => {
    f.count('ram-slow');
    reply
      .type('text/html; charset=utf-8')
      .send(Readable.from(streamed([BODY.ram, BODY.ram], () => f.slowHandlerGate())));
  });
  app.get('/strong-cookie', { config: { cacheRuleset: 'site.strong' } }, async (_request, reply) =>
    reply.header('set-cookie', 'session=abc; Path=/').type('text/html; charset=utf-8').send(BODY.strong),
  );
  app.get('/status/404', { config: { cacheRuleset: 'site.strong' } }, async (_request, reply) =>
    reply.code(404).type('text/html; charset=utf-8').send('not found'),
  );
  app.get('/status/500', { config: { cacheRuleset: 'site.strong' } }, async (_request, reply) =>
    reply.code(500).type('text/html; charset=utf-8').send('failed'),
  );
  app.get('/throw', { config: { cacheRuleset: 'site.strong' } }, async () => {
    throw new Error('the handler failed');
  });
  app.get('/unit/ok', async (_request, reply) => {
    f.watchUnit(currentUnitOfWork(), '/unit/ok', () => reply.raw.writableFinished);
    return reply.type('text/html; charset=utf-8').send(BODY.plain);
  });
  app.get('/unit/500', async (_request, reply) => {
    f.watchUnit(currentUnitOfWork(), '/unit/500', () => reply.raw.writableFinished);
    return reply.code(500).send('failed');
  });
  app.get('/unit/throw', async (_request, reply) => {
    await sleep(1);
    f.watchUnit(currentUnitOfWork(), '/unit/throw', () => reply.raw.writableFinished);
    throw new Error('the handler failed');
  });
  app.post('/unit/body', async (request, reply) => {
    f.watchUnit(currentUnitOfWork(), '/unit/body', () => reply.raw.writableFinished);
    return reply.type('text/html; charset=utf-8').send(`got ${String(request.body)}`);
  });
  app.get('/range', pageRoute, async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(`range: ${request.headers.range ?? 'none'}`),
  );

  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
};
