import { createServer } from 'node:http';
import { currentUnitOfWork } from '@cacheset/core';
import { cachesetExpress } from '@cacheset/http/express';
import express from 'express';
import { BODY, FrontpageView, sleep, type StartContractServer } from '../fixture.js';
import { listenOnFreePort } from './listen.js';

/**
 * Express 5 as its users write it: `install(app)` once, then per-route `cacheset.view(...)` /
 * `cacheset.ruleset(...)`, or `res.locals.cacheRuleset` set in the handler.
 */
export const startExpressServer: StartContractServer = async (f) => {
  const app = express();
  const cacheset = cachesetExpress(f.caching);
  cacheset.install(app);

  const page = (req: express.Request, res: express.Response): void => {
    f.count(`page.${req.method}`);
    res.type('html').send(BODY.page);
  };
  app.get('/page', cacheset.view(f.pageView), page);
  app.post('/page', cacheset.view(f.pageView), page);
  app.put('/page', cacheset.view(f.pageView), page);
  app.get('/strong', cacheset.ruleset('site.strong'), (_req, res) => {
    f.count('strong');
    res.type('html').send(BODY.strong);
  });
  app.get('/frontpage', cacheset.view(FrontpageView), (_req, res) => {
    f.count('frontpage');
    res.type('html').send(BODY.frontpage);
  });
  app.get('/nocache', cacheset.ruleset('site.nocache'), (_req, res) => void res.type('html').send(BODY.plain));
  app.get('/plain', (_req, res) => void res.type('html').send(BODY.plain));
  app.get('/late', (_req, res) => {
    res.locals.cacheRuleset = 'site.late';
    res.type('html').send(BODY.plain);
  });
  app.get('/late-view', (_req, res) => {
    res.locals.cachePublished = FrontpageView;
    res.type('html').send(BODY.frontpage);
  });
  app.get('/stream', cacheset.ruleset('site.stream'), async (_req, res) => {
    res.type('html');
    for (const chunk of BODY.streamChunks) {
      res.write(chunk);
      await sleep(5);
    }
    res.end();
  });
  app.get('/ram', cacheset.ruleset('site.ram'), (_req, res) => {
    f.count('ram');
    res.type('html').send(BODY.ram);
  });
  app.get('/ram-cookie', cacheset.ruleset('site.ram'), (_req, res) => {
    f.count('ram-cookie');
    res.cookie('session', 'abc').type('html').send(BODY.ram);
  });
  app.get('/ram-slow', cacheset.ruleset('site.ram'), async (_req, res) => {
    f.count('ram-slow');
    res.type('html').write(BODY.ram);
    await f.slowHandlerGate();
    res.end(BODY.ram);
  });
  app.get(
    '/strong-cookie',
    cacheset.ruleset('site.strong'),
    (_req, res) => void res.cookie('session', 'abc').type('html').send(BODY.strong),
  );
  app.get(
    '/status/404',
    cacheset.ruleset('site.strong'),
    (_req, res) => void res.status(404).type('html').send('not found'),
  );
  app.get(
    '/status/500',
    cacheset.ruleset('site.strong'),
    (_req, res) => void res.status(500).type('html').send('failed'),
  );
  app.get('/throw', cacheset.ruleset('site.strong'), () => {
    throw new Error('the handler failed');
  });
  app.get('/unit/ok', (_req, res) => {
    f.watchUnit(currentUnitOfWork(), '/unit/ok', () => res.writableFinished);
    res.type('html').send(BODY.plain);
  });
  app.get('/unit/500', (_req, res) => {
    f.watchUnit(currentUnitOfWork(), '/unit/500', () => res.writableFinished);
    res.status(500).send('failed');
  });
  app.get('/unit/throw', async (_req, res) => {
    await sleep(1);
    f.watchUnit(currentUnitOfWork(), '/unit/throw', () => res.writableFinished);
    throw new Error('the handler failed');
  });
  app.post('/unit/body', express.text(), (req, res) => {
    f.watchUnit(currentUnitOfWork(), '/unit/body', () => res.writableFinished);
    res.type('html').send(`got ${String(req.body)}`);
  });
  app.get(
    '/range',
    cacheset.view(f.pageView),
    (req, res) => void res.type('html').send(`range: ${req.headers.range ?? 'none'}`),
  );
  return listenOnFreePort(createServer(app));
};
