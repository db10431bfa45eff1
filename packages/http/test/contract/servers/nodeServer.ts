import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { currentUnitOfWork } from '@cacheset/core';
import { cachingHandler, setCacheRuleset, setPublished, type HttpCaching } from '@cacheset/http';
import { BODY, FrontpageView, sleep, type Fixture, type StartContractServer } from '../fixture.js';
import { listenOnFreePort } from './listen.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

function html(res: ServerResponse, body: string, status = 200): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(body);
}

/** node:http: `cachingHandler(caching, handler, route)` per route, behind a tiny path router. */
function routes(f: Fixture, caching: HttpCaching): Map<string, Handler> {
  const page: Handler = (req, res) => {
    f.count(`page.${req.method ?? 'GET'}`);
    html(res, BODY.page);
  };
  return new Map<string, Handler>([
    ['/page', cachingHandler(caching, page, { published: f.pageView })],
    [
      '/strong',
      cachingHandler(caching, (_req, res) => (f.count('strong'), html(res, BODY.strong)), { ruleset: 'site.strong' }),
    ],
    [
      '/frontpage',
      cachingHandler(caching, (_req, res) => (f.count('frontpage'), html(res, BODY.frontpage)), {
        published: FrontpageView,
      }),
    ],
    ['/nocache', cachingHandler(caching, (_req, res) => html(res, BODY.plain), { ruleset: 'site.nocache' })],
    ['/plain', cachingHandler(caching, (_req, res) => html(res, BODY.plain))],
    ['/late', cachingHandler(caching, (_req, res) => (setCacheRuleset(res, 'site.late'), html(res, BODY.plain)))],
    [
      '/late-view',
      cachingHandler(caching, (_req, res) => (setPublished(res, FrontpageView), html(res, BODY.frontpage))),
    ],
    [
      '/stream',
      cachingHandler(
        caching,
        async (_req, res) => {
          res.setHeader('Content-Type', 'text/html; charset=utf-8');
          for (const chunk of BODY.streamChunks) {
            res.write(chunk);
            await sleep(5);
          }
          res.end();
        },
        { ruleset: 'site.stream' },
      ),
    ],
    ['/ram', cachingHandler(caching, (_req, res) => (f.count('ram'), html(res, BODY.ram)), { ruleset: 'site.ram' })],
    [
      '/ram-cookie',
      cachingHandler(
        caching,
        (_req, res) => (f.count('ram-cookie'), res.setHeader('Set-Cookie', 'session=abc; Path=/'), html(res, BODY.ram)),
        { ruleset: 'site.ram' },
      ),
    ],
    [
      '/ram-slow',
      cachingHandler(
        caching,
        async (_req, res) => {
          f.count('ram-slow');
          res.setHeader('Content-Type', 'text/html; charset=utf-8');
          res.write(BODY.ram);
          await f.slowHandlerGate();
          res.end(BODY.ram);
        },
        { ruleset: 'site.ram' },
      ),
    ],
    [
      '/strong-cookie',
      cachingHandler(
        caching,
        (_req, res) => (res.setHeader('Set-Cookie', 'session=abc; Path=/'), html(res, BODY.strong)),
        { ruleset: 'site.strong' },
      ),
    ],
    ['/status/404', cachingHandler(caching, (_req, res) => html(res, 'not found', 404), { ruleset: 'site.strong' })],
    ['/status/500', cachingHandler(caching, (_req, res) => html(res, 'failed', 500), { ruleset: 'site.strong' })],
    [
      '/throw',
      cachingHandler(
        caching,
        () => {
          throw new Error('the handler failed');
        },
        { ruleset: 'site.strong' },
      ),
    ],
    [
      '/unit/ok',
      cachingHandler(
        caching,
        (_req, res) => (
          f.watchUnit(currentUnitOfWork(), '/unit/ok', () => res.writableFinished),
          html(res, BODY.plain)
        ),
      ),
    ],
    [
      '/unit/500',
      cachingHandler(
        caching,
        (_req, res) => (
          f.watchUnit(currentUnitOfWork(), '/unit/500', () => res.writableFinished),
          html(res, 'failed', 500)
        ),
      ),
    ],
    [
      '/unit/throw',
      cachingHandler(caching, async (_req, res) => {
        await sleep(1);
        f.watchUnit(currentUnitOfWork(), '/unit/throw', () => res.writableFinished);
        throw new Error('the handler failed');
      }),
    ],
    [
      '/unit/body',
      cachingHandler(caching, async (req, res) => {
        let body = '';
        for await (const chunk of req) body += String(chunk);
        f.watchUnit(currentUnitOfWork(), '/unit/body', () => res.writableFinished);
        html(res, `got ${body}`);
      }),
    ],
    [
      '/range',
      cachingHandler(caching, (req, res) => html(res, `range: ${req.headers.range ?? 'none'}`), {
        published: f.pageView,
      }),
    ],
  ]);
}

export const startNodeServer: StartContractServer = async (f) => {
  const table = routes(f, f.caching);
  const notFound = cachingHandler(f.caching, (_req, res) => html(res, 'no such page', 404));
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    void (table.get(path) ?? notFound)(req, res);
  });
  return listenOnFreePort(server);
};
