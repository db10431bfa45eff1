import {
  bindAdapter,
  cacheRuleset,
  ILastModified,
  ISurrogateKeys,
  OperationRegistry,
  RulesetRegistry,
  type CachesetLogger,
  type CachingOperation,
  type UnitOfWork,
  type ResponseCache,
  type ResponseCacheLookup,
  type StoredResponse,
  type StoredResponseInfo,
} from '@cacheset/core';
import { createHttpCaching, registerHttpOperations, strongCaching, type HttpCaching } from '@cacheset/http';
import { Container } from 'inversify';
import { DateTime } from 'luxon';

/** A content object: ILastModified and ISurrogateKeys are bound for it in the container. */
export class Page {
  constructor(
    readonly slug: string,
    readonly updatedAt: Date,
  ) {}
}

/** A view of a page (an instance is published): its ILastModified comes from its context. */
@cacheRuleset('site.page')
export class PageView {
  constructor(readonly context: Page) {}
}

/** A view class published as a class (meaning its instances): the decorator names its ruleset. */
@cacheRuleset('site.frontpage')
export class FrontpageView {}

export const PAGE_UPDATED = new Date('2026-11-01T09:30:00Z');
export const RESOURCE_VERSION = 'v1';
/** The ETag the policy gives the page: components lastModified and resourceVersion, joined as plone does. */
export const PAGE_ETAG = `"|${Math.floor(PAGE_UPDATED.getTime() / 1000)}|${RESOURCE_VERSION}"`;
export const PAGE_LAST_MODIFIED = PAGE_UPDATED.toUTCString();

export const BODY = {
  page: '<h1>page</h1>',
  strong: '<h1>strong</h1>',
  frontpage: '<h1>front page</h1>',
  plain: '<h1>plain</h1>',
  ram: '<h1>ram</h1>'.repeat(20),
  streamChunks: ['<h1>', 'streamed', '</h1>'],
} as const;

/** Records every fill a lookup handed out and how each was settled. */
export class TestResponseCache implements ResponseCache {
  readonly entries = new Map<string, StoredResponse>();
  readonly fills: { readonly key: string; readonly settlements: string[] }[] = [];

  lookup(key: string): ResponseCacheLookup {
    const response = this.entries.get(key);
    if (response !== undefined) return { response };
    const record = { key, settlements: [] as string[] };
    this.fills.push(record);
    return {
      fill: {
        store: (info: StoredResponseInfo, stored: StoredResponse) => {
          record.settlements.push('store');
          this.entries.set(info.key, stored);
        },
        abandon: (reason: string) => {
          record.settlements.push(`abandon: ${reason}`);
        },
      },
    };
  }

  fillsFor(url: string): readonly { readonly key: string; readonly settlements: string[] }[] {
    return this.fills.filter((f) => f.key.endsWith(url) || f.key.includes(`${url}\n`));
  }
}

export interface UnitEvent {
  readonly id: string;
  /** 'none': the handler ran outside any unit of work. */
  readonly event: 'commit' | 'abort' | 'none';
  /** Whether the response had been completely sent when the callback ran. */
  readonly finished: boolean;
}

/** Everything a contract server needs: the caching, the views, and what the test observes. */
export interface Fixture {
  readonly caching: HttpCaching;
  readonly page: Page;
  readonly pageView: PageView;
  readonly responseCache: TestResponseCache;
  /** Handler runs per route key. */
  readonly calls: Map<string, number>;
  /** Runs of the counted operation's modify, per request URL. */
  readonly modifies: Map<string, number>;
  readonly units: UnitEvent[];
  readonly errors: string[];
  count(route: string): void;
  callsOf(route: string): number;
  /** Registers commit/abort recorders on the current unit of work (as domain code would). */
  watchUnit(unit: UnitOfWork | undefined, id: string, finished: () => boolean): void;
  /** Resolves when the test lets slow handlers go on (or after 3 s); once open, stays open. */
  slowHandlerGate(): Promise<void>;
  releaseSlowHandlers(): void;
}

/** strongCaching, counting its modify runs: streamed responses must get their headers once. */
function countedCaching(modifies: Map<string, number>): CachingOperation {
  return {
    ...(strongCaching as unknown as CachingOperation),
    name: 'countedCaching',
    title: 'Counted strong caching',
    description: 'strongCaching that counts modify calls (tests)',
    modify(ctx) {
      modifies.set(ctx.request.url, (modifies.get(ctx.request.url) ?? 0) + 1);
      return strongCaching.modify?.(ctx as never);
    },
  };
}

export function createFixture(): Fixture {
  const errors: string[] = [];
  const logger: CachesetLogger = {
    error: (message) => void errors.push(message),
    warn: (message) => void errors.push(message),
  };
  const page = new Page('home', PAGE_UPDATED);
  const container = new Container();
  bindAdapter(container, {
    provides: ILastModified,
    for: Page,
    factory: (p: Page) => ({ lastModified: () => DateTime.fromJSDate(p.updatedAt, { zone: 'utc' }) }),
  });
  bindAdapter(container, {
    provides: ISurrogateKeys,
    for: Page,
    factory: (p: Page) => ({ getKeys: () => [`page:${p.slug}`] }),
  });
  const operations = registerHttpOperations(new OperationRegistry());
  const modifies = new Map<string, number>();
  operations.register(countedCaching(modifies));
  const responseCache = new TestResponseCache();
  const caching = createHttpCaching({
    rulesets: new RulesetRegistry(),
    operations,
    container,
    logger,
    responseCache,
    behindProxy: true,
    resourceVersion: RESOURCE_VERSION,
    policy: {
      operationMapping: {
        'site.page': 'moderateCaching',
        'site.frontpage': 'moderateCaching',
        'site.strong': 'strongCaching',
        'site.nocache': 'noCaching',
        'site.late': 'strongCaching',
        'site.ram': 'moderateCaching',
        'site.stream': 'countedCaching',
      },
      operations: {
        moderateCaching: {
          options: { smaxage: 3600 },
          rulesets: {
            'site.page': { etags: ['lastModified', 'resourceVersion'], lastModified: true, vary: ['Accept-Language'] },
            'site.ram': { ramCache: true },
          },
        },
        strongCaching: { rulesets: { 'site.late': { maxage: 600 } } },
      },
    },
  });
  const calls = new Map<string, number>();
  const units: UnitEvent[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    caching,
    page,
    pageView: new PageView(page),
    responseCache,
    calls,
    modifies,
    units,
    errors,
    count: (route) => calls.set(route, (calls.get(route) ?? 0) + 1),
    callsOf: (route) => calls.get(route) ?? 0,
    watchUnit(unit, id, finished) {
      if (unit === undefined) {
        units.push({ id, event: 'none', finished: false });
        return;
      }
      unit.onCommit(() => void units.push({ id, event: 'commit', finished: finished() }));
      unit.onAbort(() => void units.push({ id, event: 'abort', finished: finished() }));
    },
    slowHandlerGate: () => Promise.race([gate, new Promise<void>((resolve) => setTimeout(resolve, 3_000))]),
    releaseSlowHandlers: () => release(),
  };
}

/** A running contract server. */
export interface ContractServer {
  readonly url: string;
  close(): Promise<void>;
}

export type StartContractServer = (fixture: Fixture) => Promise<ContractServer>;

/** Resolves when `sleep` ms have passed (streamed handlers await between writes). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
