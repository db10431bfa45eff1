import {
  adapter,
  adapterModule,
  AdapterLookup,
  AdapterRegistration,
  alsoProvides,
  bindAdapter,
  CachesetError,
  defineAdapterToken,
  defineInterface,
  ILastModified,
  implementer,
  Interface,
  IPurgePaths,
  resolveLastModified,
  resolvePurgePaths,
} from '@cacheset/core';
import { Container } from 'inversify';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';

const IContent = defineInterface('tests.adapters.IContent');

@implementer(IContent)
class Page {
  constructor(
    readonly path: string,
    readonly modified: DateTime,
  ) {}
}
class NewsItem extends Page {}

class PageView {
  constructor(readonly context: unknown) {}
}

const at = (iso: string): DateTime => DateTime.fromISO(iso, { setZone: true });
const fixed = (dt: DateTime): ILastModified => ({ lastModified: () => dt });

describe('adapters bound in an inversify container', () => {
  it('resolves the most specific ILastModified adapter for an object', async () => {
    const container = new Container();
    bindAdapter(container, {
      provides: ILastModified,
      for: IContent,
      factory: () => fixed(at('2020-01-01T00:00:00Z')),
    });
    bindAdapter(container, {
      provides: ILastModified,
      for: NewsItem,
      factory: (item: NewsItem) => fixed(item.modified),
    });
    const adapters = new AdapterLookup(container);
    const news = new NewsItem('/news/1', at('2024-05-06T07:08:09+02:00'));
    const page = new Page('/about', at('2023-01-01T00:00:00Z'));
    expect((await resolveLastModified(adapters, news))?.toISO()).toBe('2024-05-06T07:08:09.000+02:00');
    expect((await resolveLastModified(adapters, page))?.toISO()).toBe('2020-01-01T00:00:00.000Z');
    expect(await resolveLastModified(adapters, { unrelated: true })).toBeUndefined();
  });

  it('keeps the timezone the adapter chose and accepts async adapters', async () => {
    const container = new Container();
    bindAdapter(container, {
      provides: ILastModified,
      for: Page,
      factory: (page: Page) => ({ lastModified: async () => page.modified.setZone('Asia/Tokyo') }),
    });
    const result = await resolveLastModified(new AdapterLookup(container), new Page('/', at('2024-01-01T00:00:00Z')));
    expect(result?.zoneName).toBe('Asia/Tokyo');
    expect(result?.toUTC().toISO()).toBe('2024-01-01T00:00:00.000Z');
  });

  it('sees bindings made after the lookup object was created', () => {
    const container = new Container();
    const adapters = new AdapterLookup(container);
    const page = new Page('/', at('2024-01-01T00:00:00Z'));
    expect(adapters.query(page, ILastModified)).toBeUndefined();
    bindAdapter(container, { provides: ILastModified, for: Page, factory: () => fixed(page.modified) });
    expect(adapters.query(page, ILastModified)).toBeDefined();
  });

  it('lets a child container override its parent, and keeps the first of two equal bindings', () => {
    const parent = new Container();
    const Named = defineAdapterToken<{ who: string }>('tests.adapters.INamed');
    bindAdapter(parent, { provides: Named, for: Page, factory: () => ({ who: 'parent-1' }) });
    bindAdapter(parent, { provides: Named, for: Page, factory: () => ({ who: 'parent-2' }) });
    const page = new Page('/', at('2024-01-01T00:00:00Z'));
    const plainChild = new Container({ parent });
    expect(new AdapterLookup(plainChild).query(page, Named)?.who).toBe('parent-1');
    // Bind into a child before resolving through it: inversify's plan cache does not re-rank a child
    // binding made after a resolution (see docs/core.md, "Container hierarchies").
    const child = new Container({ parent });
    bindAdapter(child, { provides: Named, for: Page, factory: () => ({ who: 'child' }) });
    expect(new AdapterLookup(child).query(page, Named)?.who).toBe('child');
    expect(new AdapterLookup(parent).query(page, Named)?.who).toBe('parent-1');
  });

  it('a declining factory (undefined) means no adapter; it does not fall back to a less specific one', () => {
    const container = new Container();
    bindAdapter(container, {
      provides: ILastModified,
      for: IContent,
      factory: () => fixed(at('2020-01-01T00:00:00Z')),
    });
    bindAdapter(container, { provides: ILastModified, for: Page, factory: () => undefined });
    expect(
      new AdapterLookup(container).query(new Page('/', at('2024-01-01T00:00:00Z')), ILastModified),
    ).toBeUndefined();
  });

  it('get() throws ERR_CACHESET_ADAPTER_NOT_FOUND saying how to bind one', () => {
    const adapters = new AdapterLookup(new Container());
    expect(() => adapters.get(new Page('/', at('2024-01-01T00:00:00Z')), ILastModified)).toThrowError(
      expect.objectContaining({
        code: 'ERR_CACHESET_ADAPTER_NOT_FOUND',
        message: expect.stringContaining('bindAdapter(container, { provides: cacheset.ILastModified'),
      }),
    );
  });

  it('useClass builds the adapter with the object as constructor argument; modules bind several at once', () => {
    class PagePaths implements IPurgePaths {
      constructor(private readonly page: Page) {}
      getRelativePaths(): string[] {
        return [this.page.path, `${this.page.path}/view`];
      }
      getAbsolutePaths(): string[] {
        return [];
      }
    }
    const container = new Container();
    container.load(
      adapterModule(adapter({ provides: IPurgePaths, for: Page, name: 'tests.page', useClass: PagePaths })),
    );
    const paths = resolvePurgePaths(new AdapterLookup(container), new Page('/about', at('2024-01-01T00:00:00Z')));
    expect(paths).toEqual({ relative: ['/about', '/about/view'], absolute: [], errors: [] });
  });
});

describe('named IPurgePaths adapters', () => {
  const paths = (relative: string[], absolute: string[] = []): IPurgePaths => ({
    getRelativePaths: () => relative,
    getAbsolutePaths: () => absolute,
  });

  it('returns every name once, the most specific binding winning per name, most specific first', () => {
    const container = new Container();
    bindAdapter(container, {
      provides: IPurgePaths,
      for: Interface,
      name: 'default',
      factory: (o: { path?: string }) => paths([o.path ?? '/']),
    });
    bindAdapter(container, {
      provides: IPurgePaths,
      for: IContent,
      name: 'content',
      factory: (p: Page) => paths([`${p.path}/`, `${p.path}/view`]),
    });
    bindAdapter(container, {
      provides: IPurgePaths,
      for: NewsItem,
      name: 'content',
      factory: (p: Page) => paths([`${p.path}/`], ['/_purge_news']),
    });
    bindAdapter(container, {
      provides: IPurgePaths,
      for: Page,
      name: 'files',
      factory: (p: Page) => paths([`${p.path}/@@download`]),
    });
    const adapters = new AdapterLookup(container);
    const news = new NewsItem('/news/1', at('2024-01-01T00:00:00Z'));
    expect(adapters.getAll(news, IPurgePaths).map((a) => a.name)).toEqual(['content', 'files', 'default']);
    expect(resolvePurgePaths(adapters, news)).toEqual({
      relative: ['/news/1/', '/news/1/@@download', '/news/1'],
      absolute: ['/_purge_news'],
      errors: [],
    });
    const page = new Page('/about', at('2024-01-01T00:00:00Z'));
    expect(resolvePurgePaths(adapters, page).relative).toEqual([
      '/about/@@download',
      '/about/',
      '/about/view',
      '/about',
    ]);
  });

  it('instance markers add adapters: alsoProvides brings the token its bindings', () => {
    const IFeatured = defineInterface('tests.adapters.IFeatured');
    const container = new Container();
    bindAdapter(container, {
      provides: IPurgePaths,
      for: IFeatured,
      name: 'featured',
      factory: () => paths(['/', '/featured']),
    });
    const page = new Page('/about', at('2024-01-01T00:00:00Z'));
    const adapters = new AdapterLookup(container);
    expect(resolvePurgePaths(adapters, page).relative).toEqual([]);
    alsoProvides(page, IFeatured);
    expect(resolvePurgePaths(adapters, page).relative).toEqual(['/', '/featured']);
  });

  it('a failing adapter is reported and costs nothing of the others', () => {
    const container = new Container();
    bindAdapter(container, { provides: IPurgePaths, for: Page, name: 'a', factory: () => paths(['/a']) });
    bindAdapter(container, {
      provides: IPurgePaths,
      for: Page,
      name: 'throws',
      factory: () => {
        throw new Error('db down');
      },
    });
    bindAdapter(container, {
      provides: IPurgePaths,
      for: Page,
      name: 'bad',
      factory: () => ({ getRelativePaths: () => ['/ok', 5 as never], getAbsolutePaths: () => ['/abs'] }),
    });
    bindAdapter(container, {
      provides: IPurgePaths,
      for: Page,
      name: 'string',
      factory: () => ({ getRelativePaths: () => '/oops' as never, getAbsolutePaths: () => [] }),
    });
    bindAdapter(container, { provides: IPurgePaths, for: Page, name: 'shapeless', factory: () => ({}) as never });
    const result = resolvePurgePaths(new AdapterLookup(container), new Page('/p', at('2024-01-01T00:00:00Z')));
    expect(result.relative).toEqual(['/a']);
    expect(result.absolute).toEqual(['/abs']);
    expect(result.errors.map((e) => e.code)).toEqual([
      'ERR_CACHESET_ADAPTER_FAILED',
      'ERR_CACHESET_INVALID_PURGE_PATHS',
      'ERR_CACHESET_INVALID_PURGE_PATHS',
      'ERR_CACHESET_INVALID_ADAPTER',
      'ERR_CACHESET_INVALID_ADAPTER',
    ]);
    expect(result.errors[0]?.message).toContain("'throws' bound for Page threw");
    expect(result.errors[0]?.cause).toBeInstanceOf(Error);
  });
});

describe('ILastModified for views (Z-17)', () => {
  it('a view without an adapter of its own delegates to its context', async () => {
    const container = new Container();
    bindAdapter(container, { provides: ILastModified, for: Page, factory: (p: Page) => fixed(p.modified) });
    const adapters = new AdapterLookup(container);
    const page = new Page('/', at('2024-03-03T03:03:03Z'));
    expect((await resolveLastModified(adapters, new PageView(page)))?.toISO()).toBe('2024-03-03T03:03:03.000Z');
    expect((await resolveLastModified(adapters, new PageView(new PageView(page))))?.toISO()).toBe(
      '2024-03-03T03:03:03.000Z',
    );
  });

  it('no adapter for the context gives undefined', async () => {
    const adapters = new AdapterLookup(new Container());
    expect(await resolveLastModified(adapters, new PageView({ plain: true }))).toBeUndefined();
    const loop: { context?: unknown } = {};
    loop.context = loop;
    expect(await resolveLastModified(adapters, loop)).toBeUndefined();
  });

  it("a view's own adapter wins over delegation; a catch-all on Interface comes after delegation", async () => {
    const container = new Container();
    bindAdapter(container, {
      provides: ILastModified,
      for: Interface,
      factory: () => fixed(at('2000-01-01T00:00:00Z')),
    });
    bindAdapter(container, { provides: ILastModified, for: Page, factory: (p: Page) => fixed(p.modified) });
    const adapters = new AdapterLookup(container);
    const page = new Page('/', at('2024-03-03T03:03:03Z'));
    expect((await resolveLastModified(adapters, new PageView(page)))?.year).toBe(2024);
    expect((await resolveLastModified(adapters, new PageView({})))?.year).toBe(2000);
    bindAdapter(container, {
      provides: ILastModified,
      for: PageView,
      factory: () => fixed(at('2010-01-01T00:00:00Z')),
    });
    expect((await resolveLastModified(adapters, new PageView(page)))?.year).toBe(2010);
  });
});

describe('bad ILastModified results are typed errors', () => {
  const lookupReturning = (value: unknown): AdapterLookup => {
    const container = new Container();
    bindAdapter(container, {
      provides: ILastModified,
      for: Page,
      factory: () => ({ lastModified: () => value as DateTime }),
    });
    return new AdapterLookup(container);
  };
  const page = new Page('/', at('2024-01-01T00:00:00Z'));

  it.each([
    ['a JS Date', new Date(), 'DateTime.fromJSDate'],
    ['a naive ISO string', '2024-01-01T10:00:00', 'may have no timezone'],
    ['a number', 1_700_000_000, 'must return a timezone-aware luxon DateTime'],
    ['an invalid DateTime', DateTime.fromISO('2024-13-45'), 'invalid DateTime (unit out of range'],
    ['a DateTime in an unknown zone', DateTime.now().setZone('Mars/Olympus'), 'unsupported zone'],
  ])('%s', async (_label, value, hint) => {
    await expect(resolveLastModified(lookupReturning(value), page)).rejects.toSatisfy(
      (error: unknown) =>
        CachesetError.is(error, 'ERR_CACHESET_INVALID_LAST_MODIFIED') && (error as Error).message.includes(hint),
    );
  });

  it('null means unknown, like undefined', async () => {
    expect(await resolveLastModified(lookupReturning(null), page)).toBeUndefined();
  });

  it('a throwing adapter or factory is ERR_CACHESET_ADAPTER_FAILED with the cause kept', async () => {
    const container = new Container();
    bindAdapter(container, {
      provides: ILastModified,
      for: Page,
      factory: () => ({
        lastModified: () => {
          throw new TypeError('boom');
        },
      }),
    });
    await expect(resolveLastModified(new AdapterLookup(container), page)).rejects.toMatchObject({
      code: 'ERR_CACHESET_ADAPTER_FAILED',
      cause: expect.any(TypeError),
    });
    const other = new Container();
    bindAdapter(other, {
      provides: ILastModified,
      for: Page,
      factory: () => {
        throw new Error('factory');
      },
    });
    await expect(resolveLastModified(new AdapterLookup(other), page)).rejects.toMatchObject({
      code: 'ERR_CACHESET_ADAPTER_FAILED',
    });
    const shapeless = new Container();
    bindAdapter(shapeless, { provides: ILastModified, for: Page, factory: () => ({}) as ILastModified });
    await expect(resolveLastModified(new AdapterLookup(shapeless), page)).rejects.toMatchObject({
      code: 'ERR_CACHESET_INVALID_ADAPTER',
    });
  });
});

describe('adapter descriptions are validated', () => {
  const container = new Container();
  const one = (): number => 1;
  const cases: [string, Record<string, unknown>][] = [
    ['no provides', { for: Page, factory: one }],
    ['a string token', { provides: 'ILastModified', for: Page, factory: one }],
    ['a non-class target', { provides: ILastModified, for: {}, factory: one }],
    ['both factory and useClass', { provides: ILastModified, for: Page, factory: one, useClass: class {} }],
    ['neither factory nor useClass', { provides: ILastModified, for: Page }],
    ['a non-string name', { provides: ILastModified, for: Page, name: 3, factory: one }],
    ['a non-function factory', { provides: ILastModified, for: Page, factory: 'x' }],
  ];
  it.each(cases)('%s', (_label, spec) => {
    let caught: unknown;
    try {
      bindAdapter(container, spec as never);
    } catch (error) {
      caught = error;
    }
    expect(CachesetError.is(caught)).toBe(true);
    expect(['ERR_CACHESET_INVALID_ADAPTER', 'ERR_CACHESET_INVALID_TARGET']).toContain((caught as CachesetError).code);
  });

  it('a raw value bound under AdapterRegistration is rejected at lookup with a typed error', () => {
    const raw = new Container();
    raw.bind(AdapterRegistration).toConstantValue({ provides: ILastModified });
    expect(() => new AdapterLookup(raw).query({}, ILastModified)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ADAPTER' }),
    );
    expect(() => new AdapterLookup({} as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
    );
  });
});
