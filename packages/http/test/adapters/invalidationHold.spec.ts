/**
 * A request that starts in-process invalidation (a Purge deleting disk dumps, the RAM tier's record
 * in Redis) is not answered before that work is done: on every adapter, the response's bytes wait
 * for the work the request's unit of work tracks, a bounded time, and a failure or a timeout is
 * logged with its code and never hangs the response.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { CoreErrorCodes, RulesetRegistry, trackWork } from '@cacheset/core';
import { cachingHandler, createHttpCaching, type HttpCaching } from '@cacheset/http';
import { cachesetExpress } from '@cacheset/http/express';
import { cachesetFastify } from '@cacheset/http/fastify';
import { cachesetKoa } from '@cacheset/http/koa';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractServer } from '../contract/fixture.js';
import { listenOnFreePort } from '../contract/servers/listen.js';

const TIMEOUT_MS = 200;

/** The work a request's handler starts: the test decides when it finishes. */
class Work {
  done = false;
  started = false;
  #open: () => void = () => undefined;
  readonly promise = new Promise<void>((resolve) => {
    this.#open = resolve;
  }).then(() => {
    this.done = true;
  });

  finish(): void {
    this.#open();
  }
}

interface Site {
  /** The work the next /flag or /flag-stream request starts. */
  work: Work;
  readonly logged: { readonly message: string; readonly code: unknown }[];
  readonly caching: HttpCaching;
}

function createSite(): Site {
  const logged: Site['logged'][number][] = [];
  const caching = createHttpCaching({
    rulesets: new RulesetRegistry(),
    policy: { operationMapping: { 'site.edit': 'noCaching' } },
    invalidationTimeoutMs: TIMEOUT_MS,
    logger: {
      warn: () => undefined,
      error: (message, details) => void logged.push({ message, code: details?.code }),
    },
  });
  return { work: new Work(), logged, caching };
}

/** What each route's handler does before it answers, shared by the four apps. */
function startWork(site: Site, path: string): void {
  if (path === '/stuck') trackWork(new Promise(() => undefined), { label: 'a deletion that never ends' });
  else if (path === '/broken') trackWork(Promise.reject(new Error('disk gone')), { label: 'a failing deletion' });
  else if (path !== '/plain') {
    site.work.started = true;
    trackWork(site.work.promise, { label: 'deleting the dump' });
  }
}

const streamed = (): Readable => Readable.from([Buffer.from('flag'), Buffer.from('ged')]);

function nodeApp(site: Site): (req: IncomingMessage, res: ServerResponse) => void {
  return cachingHandler(
    site.caching,
    async (req, res) => {
      startWork(site, req.url ?? '/');
      res.setHeader('Content-Type', 'text/plain');
      if (req.url === '/flag-stream') {
        res.write('flag');
        await new Promise((resolve) => setTimeout(resolve, 5));
        res.end('ged');
      } else res.end('flagged');
    },
    { ruleset: 'site.edit' },
  );
}

function expressApp(site: Site): express.Express {
  const app = express();
  const cacheset = cachesetExpress(site.caching);
  cacheset.install(app);
  app.post('/{*path}', cacheset.ruleset('site.edit'), (req, res) => {
    startWork(site, req.path);
    if (req.path === '/flag-stream') streamed().pipe(res.type('text'));
    else res.type('text').send('flagged');
  });
  return app;
}

async function fastifyApp(site: Site): Promise<ReturnType<typeof Fastify>> {
  const app = Fastify();
  await app.register(cachesetFastify, { caching: site.caching });
  app.post('/*', { config: { cacheRuleset: 'site.edit' } }, async (request, reply) => {
    const path = request.url;
    startWork(site, path);
    reply.type('text/plain');
    return path === '/flag-stream' ? streamed() : 'flagged';
  });
  await app.ready();
  return app;
}

function koaApp(site: Site): Koa {
  const app = new Koa();
  app.use(cachesetKoa(site.caching).middleware());
  app.use(async (ctx) => {
    ctx.state.cacheRuleset = 'site.edit';
    startWork(site, ctx.path);
    ctx.type = 'text/plain';
    ctx.body = ctx.path === '/flag-stream' ? streamed() : 'flagged';
  });
  return app;
}

interface Answer {
  readonly status: number;
  readonly text: string;
  /** Whether the request's work was done when the status line and headers arrived. */
  readonly workDoneAtHeaders: boolean;
  readonly elapsedMs: number;
}

function post(url: string, site: Site): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false }, (res) => {
      const workDoneAtHeaders = site.work.done;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          workDoneAtHeaders,
          elapsedMs: Date.now() - started,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const adapters: readonly (readonly [string, (site: Site) => Promise<ContractServer>])[] = [
  ['node:http', (site) => listenOnFreePort(createServer(nodeApp(site)))],
  ['Express', (site) => listenOnFreePort(createServer(expressApp(site)))],
  [
    'Fastify',
    async (site) => {
      const app = await fastifyApp(site);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
    },
  ],
  ['Koa', (site) => listenOnFreePort(createServer(koaApp(site).callback()))],
];

describe.each(adapters)('%s: a response waits for the in-process invalidation its request started', (_name, start) => {
  let site: Site;
  let server: ContractServer;
  beforeAll(async () => {
    site = createSite();
    server = await start(site);
  });
  afterAll(async () => {
    await server?.close();
  });

  for (const path of ['/flag', '/flag-stream']) {
    it(`${path}: no byte of the response goes out before the work is done`, async () => {
      site.work = new Work();
      const answer = post(`${server.url}${path}`, site);
      while (!site.work.started) await new Promise((resolve) => setTimeout(resolve, 2));
      await new Promise((resolve) => setTimeout(resolve, 60));
      site.work.finish();
      const { status, text, workDoneAtHeaders } = await answer;
      expect(status).toBe(200);
      expect(text).toBe('flagged');
      expect(workDoneAtHeaders, 'the headers arrived before the work was done').toBe(true);
    });
  }

  it('a request that starts no work is answered at once', async () => {
    site.work = new Work();
    const { status, text } = await post(`${server.url}/plain`, site);
    expect(status).toBe(200);
    expect(text).toBe('flagged');
  });

  it('work that never ends holds the response for invalidationTimeoutMs only, logged with its code', async () => {
    const before = site.logged.length;
    const { status, text, elapsedMs } = await post(`${server.url}/stuck`, site);
    expect(status).toBe(200);
    expect(text).toBe('flagged');
    expect(elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS * 10);
    const timeouts = site.logged.slice(before).filter((l) => l.code === CoreErrorCodes.WORK_TIMEOUT);
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]?.message).toContain('a deletion that never ends');
  });

  it('work that fails is logged with its code and the response goes out', async () => {
    const before = site.logged.length;
    const { status, text } = await post(`${server.url}/broken`, site);
    expect(status).toBe(200);
    expect(text).toBe('flagged');
    const failures = site.logged.slice(before).filter((l) => l.code === CoreErrorCodes.WORK_FAILED);
    expect(failures.map((l) => l.message)).toEqual([expect.stringContaining('a failing deletion failed')]);
  });
});
