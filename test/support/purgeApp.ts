import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  bindAdapter,
  classImplements,
  IPurgePaths,
  IPurgeable,
  ISurrogateKeys,
  ObjectModifiedEvent,
  ObjectRenamedEvent,
  ObjectWillBeMovedEvent,
  Purge,
  RulesetRegistry,
  type EventBus,
} from '@cacheset/core';
import { cachingHandler, createHttpCaching, setCacheRuleset, setPublished } from '@cacheset/http';
import { Container } from 'inversify';

/** A content object of the test site: purgeable, with paths and tags. */
export class Page {
  constructor(
    readonly id: number,
    public slug: string,
    public title: string,
    public tags: string[] = [],
  ) {}
}
classImplements(Page, IPurgeable);

/** `/pages/<slug>` and `/pages/<slug>/view`, unencoded: the purger must encode them as browsers do. */
export function pagePaths(page: Page): string[] {
  return [`/pages/${page.slug}`, `/pages/${page.slug}/view`];
}

export function pageContainer(): Container {
  const container = new Container();
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Page,
    name: 'test.page',
    factory: (page: Page) => ({ getRelativePaths: () => pagePaths(page), getAbsolutePaths: () => [] }),
  });
  bindAdapter(container, {
    provides: ISurrogateKeys,
    for: Page,
    name: 'test.page',
    factory: (page: Page) => ({ getKeys: () => [`page-${page.id}`, ...page.tags] }),
  });
  return container;
}

export interface PurgeAppOptions {
  readonly bus: EventBus;
  readonly container: Container;
}

/**
 * A real node:http application with @cacheset/http in front of every route (one unit of work per
 * request). Pages are cacheable by proxies (moderateCaching: s-maxage one day) and carry their
 * surrogate keys in `xkey`. Each render is counted, so a test can tell a proxy hit from a request that
 * reached the application.
 *
 * - `GET /pages/<slug>[/view]`: the page;
 * - `POST /pages/<slug>/edit[?status=500|?throw=1]`: changes the title and fires ObjectModifiedEvent;
 * - `POST /pages/<slug>/rename?to=<new>`: fires ObjectWillBeMovedEvent, renames, fires ObjectRenamedEvent;
 * - `POST /pages/<slug>/purge`: fires Purge directly.
 */
export class PurgeApp {
  readonly pages = new Map<string, Page>();
  readonly #renders = new Map<string, number>();
  /** What @cacheset/http logged (a thrown handler, for example): kept, not printed. */
  readonly log: string[];
  /** When each POST's handler ended its response (epoch ms), by path: purges must leave after it. */
  readonly endedAt = new Map<string, number>();
  readonly #server: Server;
  readonly port: number;

  private constructor(server: Server, port: number, log: string[]) {
    this.#server = server;
    this.port = port;
    this.log = log;
  }

  static async start(options: PurgeAppOptions): Promise<PurgeApp> {
    const log: string[] = [];
    const rulesets = new RulesetRegistry();
    rulesets.declareType('site.page', 'Page');
    const caching = createHttpCaching({
      policy: {
        operationMapping: { 'site.page': 'moderateCaching' },
        operations: { moderateCaching: { options: { smaxage: '1d' } } },
      },
      rulesets,
      container: options.container,
      behindProxy: true,
      logger: { warn: (message) => void log.push(message), error: (message) => void log.push(message) },
    });
    let app: PurgeApp | undefined;
    const server = createServer(cachingHandler(caching, (req, res) => (app as PurgeApp).handle(req, res, options.bus)));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    app = new PurgeApp(server, (server.address() as AddressInfo).port, log);
    return app;
  }

  add(page: Page): Page {
    this.pages.set(page.slug, page);
    return page;
  }

  /** How many times the application rendered `path` (the raw, decoded path). */
  renders(path: string): number {
    return this.#renders.get(path) ?? 0;
  }

  handle(req: IncomingMessage, res: ServerResponse, bus: EventBus): void {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    const segments = url.pathname
      .split('/')
      .slice(1)
      .map((s) => decodeURIComponent(s));
    const [root, slug, action] = segments;
    const page = root === 'pages' && slug !== undefined ? this.pages.get(slug) : undefined;
    if (page === undefined) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    const path = `/${segments.join('/')}`;
    if (req.method === 'GET' && (action === undefined || action === 'view')) {
      this.#renders.set(path, this.renders(path) + 1);
      setCacheRuleset(res, 'site.page');
      setPublished(res, page);
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`${page.title} (render ${this.renders(path)})`);
      return;
    }
    if (req.method !== 'POST') {
      res.statusCode = 405;
      res.end();
      return;
    }
    const end = (text: string): void => {
      this.endedAt.set(path, Date.now());
      res.end(text);
    };
    if (action === 'edit') {
      page.title = `${page.title}*`;
      bus.notify(new ObjectModifiedEvent(page, 'title'));
      if (url.searchParams.get('throw') === '1') throw new Error('the edit failed after the event');
      res.statusCode = Number(url.searchParams.get('status') ?? '200');
      end('edited');
      return;
    }
    if (action === 'rename') {
      const to = url.searchParams.get('to') ?? `${page.slug}-renamed`;
      const from = page.slug;
      bus.notify(new ObjectWillBeMovedEvent(page, 'pages', from, 'pages', to));
      this.pages.delete(from);
      page.slug = to;
      this.pages.set(to, page);
      bus.notify(new ObjectRenamedEvent(page, 'pages', from, to));
      end('renamed');
      return;
    }
    if (action === 'purge') {
      bus.notify(new Purge(page));
      end('purged');
      return;
    }
    res.statusCode = 404;
    res.end();
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
