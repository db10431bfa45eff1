// Koa: the admin's middleware first; under its mount it answers on the raw response.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminKoa } from '@cacheset/admin/koa';
import { cachesetKoa } from '@cacheset/http/koa';
import Koa from 'koa';
import { createSite, GalleryView, type Site } from './site.js';

export async function main(): Promise<{ site: Site; base: string; close(): Promise<void> }> {
  const site = createSite();
  const app = new Koa();
  app.use(adminKoa(site.admin));
  const cacheset = cachesetKoa(site.caching);
  app.use(cacheset.middleware());
  const gallery = cacheset.view(GalleryView);
  app.use(async (ctx, next) => {
    if (ctx.path !== '/gallery') return next();
    return gallery(ctx, async () => {
      ctx.type = 'html';
      ctx.body = '<h1>Gallery</h1>';
    });
  });
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { site, base, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
