/**
 * A page that lists content, with `etags: ['catalogCounter']`: after an edit anywhere, a browser
 * revalidating with the ETag it had gets the new page (200), never a 304 for the stale one. Through
 * a real node:http server; the edit is a request of its own, as in an application.
 */
import { createServer } from 'node:http';
import {
  catalogCounterOf,
  EventBus,
  notify,
  ObjectAddedEvent,
  ObjectModifiedEvent,
  resetDefaultBus,
  RulesetRegistry,
} from '@cacheset/core';
import { cachingHandler, createHttpCaching, type HttpCachingOptions } from '@cacheset/http';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContractServer } from './contract/fixture.js';
import { listenOnFreePort } from './contract/servers/listen.js';
import { wireRequest } from './contract/support/wire.js';

class Image {
  constructor(readonly title: string) {}
}

const servers: ContractServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A gallery whose front page lists every image; POST /images adds one, POST /images/0 retitles the first. */
async function gallery(options: Partial<HttpCachingOptions>, fire: (event: object) => void): Promise<string> {
  const images: Image[] = [new Image('cat')];
  const caching = createHttpCaching({
    rulesets: new RulesetRegistry(),
    resourceVersion: '2026.11.1',
    policy: {
      operationMapping: { 'site.frontpage': 'moderateCaching', 'site.edit': 'noCaching' },
      operations: { moderateCaching: { options: { smaxage: '10m', etags: ['catalogCounter', 'resourceVersion'] } } },
    },
    ...options,
  });
  const frontpage = cachingHandler(
    caching,
    (_req, res) =>
      res.setHeader('Content-Type', 'text/html').end(`<ul>${images.map((i) => `<li>${i.title}`).join('')}</ul>`),
    { ruleset: 'site.frontpage' },
  );
  const edit = cachingHandler(
    caching,
    (req, res) => {
      if (req.url === '/images') {
        const image = new Image('dog');
        images.push(image);
        fire(new ObjectAddedEvent(image, 'gallery', 'dog'));
      } else {
        const image = images[0] as Image;
        (image as { title: string }).title = 'kitten';
        fire(new ObjectModifiedEvent(image, 'title'));
      }
      res.statusCode = 204;
      res.end();
    },
    { ruleset: 'site.edit' },
  );
  const server = await listenOnFreePort(
    createServer((req, res) => (req.method === 'POST' ? edit : frontpage)(req, res)),
  );
  servers.push(server);
  return server.url;
}

async function expectEditsChangeTheETag(url: string): Promise<void> {
  const first = await wireRequest(`${url}/`);
  expect(first.status).toBe(200);
  const etag = first.headers.etag as string;
  expect(etag).toMatch(/^"\|\d+\|2026\.11\.1"$/);
  expect((await wireRequest(`${url}/`, { headers: { 'If-None-Match': etag } })).status).toBe(304);

  for (const path of ['/images/0', '/images']) {
    expect((await wireRequest(`${url}${path}`, { method: 'POST' })).status).toBe(204);
    const before = etag;
    const revalidated = await wireRequest(`${url}/`, { headers: { 'If-None-Match': before } });
    expect(revalidated.status, `after POST ${path}`).toBe(200);
    expect(revalidated.headers.etag).not.toBe(before);
  }
  const last = await wireRequest(`${url}/`);
  expect(last.text).toBe('<ul><li>kitten<li>dog</ul>');
  expect((await wireRequest(`${url}/`, { headers: { 'If-None-Match': last.headers.etag as string } })).status).toBe(
    304,
  );
}

describe('the catalogCounter ETag component', () => {
  it('the front page gets a 200, not a stale 304, after an edit (the default bus)', async () => {
    resetDefaultBus();
    await expectEditsChangeTheETag(await gallery({}, notify));
  });

  it('reads the counter of the bus it is given (catalogCounter option)', async () => {
    const bus = new EventBus();
    await expectEditsChangeTheETag(
      await gallery({ catalogCounter: catalogCounterOf(bus) }, (event) => bus.notify(event)),
    );
  });

  it('a catalogCounter option that is not a counter is a start-up error', () => {
    expect(() =>
      createHttpCaching({ policy: { operationMapping: {} }, catalogCounter: { value: () => 1 } as never }),
    ).toThrowError(expect.objectContaining({ code: 'ERR_CACHESET_INVALID_HTTP_OPTIONS' }));
  });
});
