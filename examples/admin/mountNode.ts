// node:http: the admin answers under its mount, the application everywhere else.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cachingHandler } from '@cacheset/http';
import { createSite, GalleryView, type Site } from './site.js';

export async function main(): Promise<{ site: Site; base: string; close(): Promise<void> }> {
  const site = createSite();
  const app = cachingHandler(site.caching, (_req, res) => res.end('<h1>Gallery</h1>'), {
    published: new GalleryView(),
  });
  const server = createServer((req, res) =>
    site.admin.matches(req) ? void site.admin.handle(req, res) : app(req, res),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { site, base, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
