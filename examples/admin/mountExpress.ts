// Express 5: the admin's middleware first (it reads its own bodies), then the application.
import type { AddressInfo } from 'node:net';
import { adminExpress } from '@cacheset/admin/express';
import { cachesetExpress } from '@cacheset/http/express';
import express from 'express';
import { createSite, GalleryView, type Site } from './site.js';

export async function main(): Promise<{ site: Site; base: string; close(): Promise<void> }> {
  const site = createSite();
  const app = express();
  app.use(adminExpress(site.admin));
  cachesetExpress(site.caching).install(app);
  app.get('/gallery', cachesetExpress(site.caching).view(GalleryView), (_req, res) => {
    res.send('<h1>Gallery</h1>');
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { site, base, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
