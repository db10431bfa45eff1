/**
 * The page every http benchmark server sends, and the policy the adapters run: one view of one page
 * under moderateCaching with ETag components, Last-Modified and Vary (the full header set of a
 * typical public page), so the adapter's work per request is realistic and its headers can be
 * reproduced byte for byte by the raw baselines.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  bindAdapter,
  cacheRuleset,
  ILastModified,
  OperationRegistry,
  RulesetRegistry,
  type ResponseCache,
} from '@cacheset/core';
import { createHttpCaching, registerHttpOperations, type HttpCaching } from '@cacheset/http';
import { Container } from 'inversify';
import { DateTime } from 'luxon';

export class Page {
  constructor(readonly updatedAt: DateTime) {}
}

@cacheRuleset('bench.page')
export class PageView {
  constructor(readonly context: Page) {}
}

export const UPDATED = DateTime.fromISO('2026-11-01T09:30:00Z', { zone: 'utc' });
export const RESOURCE_VERSION = 'v1';
export const ETAG = `"|${Math.floor(UPDATED.toSeconds())}|${RESOURCE_VERSION}"`;
export const LAST_MODIFIED = UPDATED.toHTTP() ?? '';
export const CONTENT_TYPE = 'text/html; charset=utf-8';
export const CACHE_CONTROL = 'max-age=0, s-maxage=3600, must-revalidate';

/** A 20 KB page. */
export const BODY =
  `<!doctype html><title>bench</title>${'<p>cacheset benchmark page, twenty kilobytes of markup.</p>'.repeat(340)}`.slice(
    0,
    20 * 1024,
  );

/** The port to listen on: the first argument (BenchServer passes it). */
export function portArgument(): number {
  const port = Number(process.argv[2]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`usage: node ${process.argv[1] ?? 'server.js'} <port>`);
  return port;
}

export function createBenchCaching(): { caching: HttpCaching; view: PageView } {
  const container = new Container();
  bindAdapter(container, {
    provides: ILastModified,
    for: Page,
    factory: (page: Page) => ({ lastModified: () => page.updatedAt }),
  });
  const caching = createHttpCaching({
    rulesets: new RulesetRegistry(),
    operations: registerHttpOperations(new OperationRegistry()),
    container,
    resourceVersion: RESOURCE_VERSION,
    policy: {
      operationMapping: { 'bench.page': 'moderateCaching' },
      operations: {
        moderateCaching: {
          rulesets: {
            'bench.page': {
              smaxage: 3600,
              etags: ['lastModified', 'resourceVersion'],
              lastModified: true,
              vary: ['Accept-Language'],
            },
          },
        },
      },
    },
  });
  return { caching, view: new PageView(new Page(UPDATED)) };
}

/** The policy of the RAM-cache benchmarks: the page under moderateCaching with `ramCache: true`. */
export function createRamBenchCaching(responseCache: ResponseCache): HttpCaching {
  return createHttpCaching({
    rulesets: new RulesetRegistry(),
    operations: registerHttpOperations(new OperationRegistry()),
    responseCache,
    policy: {
      operationMapping: { 'bench.page': 'moderateCaching' },
      operations: { moderateCaching: { rulesets: { 'bench.page': { smaxage: 3600, ramCache: true } } } },
    },
  });
}

const BODY_LENGTH = String(Buffer.byteLength(BODY));

/**
 * The raw baseline's handler, the best hand-written equivalent of the adapter: the adapter's exact
 * headers as one flat array per answer (no object built and no key deleted per request, which would
 * put V8 on its slow path), a fresh Expires, the body length computed once, If-None-Match answered.
 */
export function rawPageHandler(req: IncomingMessage, res: ServerResponse): void {
  const expires = expiredDate();
  if (req.headers['if-none-match'] === ETAG) {
    res.writeHead(304, [
      'X-Cache-Rule',
      'bench.page',
      'Cache-Control',
      CACHE_CONTROL,
      'ETag',
      ETAG,
      'Vary',
      'Accept-Language',
      'Expires',
      expires,
      'X-Cache-Operation',
      'moderateCaching',
    ]);
    res.end();
    return;
  }
  res.writeHead(200, [
    'X-Cache-Rule',
    'bench.page',
    'Cache-Control',
    CACHE_CONTROL,
    'ETag',
    ETAG,
    'Last-Modified',
    LAST_MODIFIED,
    'Vary',
    'Accept-Language',
    'Expires',
    expires,
    'X-Cache-Operation',
    'moderateCaching',
    'Content-Type',
    CONTENT_TYPE,
    'Content-Length',
    BODY_LENGTH,
  ]);
  res.end(BODY);
}

let second = -1;
let expired = '';
/** The Expires of an already expired response (ten years ago), formatted once a second as a careful hand-written server would. */
export function expiredDate(): string {
  const now = Math.floor(Date.now() / 1000);
  if (now !== second) {
    second = now;
    expired = new Date((now - 3650 * 86_400) * 1000).toUTCString();
  }
  return expired;
}

/** The headers the adapter sends for the page, for the raw baselines to send by hand. */
export function pageHeaders(): Record<string, string> {
  return {
    'X-Cache-Rule': 'bench.page',
    'Cache-Control': CACHE_CONTROL,
    ETag: ETAG,
    'Last-Modified': LAST_MODIFIED,
    Vary: 'Accept-Language',
    Expires: expiredDate(),
    'X-Cache-Operation': 'moderateCaching',
  };
}

/** Stops on SIGTERM (BenchServer.stop). */
export function stopOnSignal(close: () => unknown): void {
  process.once('SIGTERM', () => {
    void Promise.resolve(close()).finally(() => process.exit(0));
  });
}
