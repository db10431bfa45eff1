import 'reflect-metadata';
import { cacheRuleset, declaredRuleset, decoratedClasses, RulesetRegistry } from '@cacheset/core';
import { describe, expect, it } from 'vitest';

describe('@cacheRuleset', () => {
  it('records the ruleset as reflect-metadata on the class itself', () => {
    @cacheRuleset('site.frontpage')
    class FrontpageView {}
    expect(declaredRuleset(FrontpageView)).toBe('site.frontpage');
    expect(Reflect.getOwnMetadata(Symbol.for('@cacheset/core/ruleset'), FrontpageView)).toBe('site.frontpage');
    expect(decoratedClasses()).toContain(FrontpageView);
  });

  it('is seen by registries, inherited by subclasses, and beaten by a subclass declaration', () => {
    @cacheRuleset('site.listing')
    class ListingView {}
    class NewsListingView extends ListingView {}
    @cacheRuleset('site.search')
    class SearchView extends ListingView {}
    const registry = new RulesetRegistry();
    expect(registry.lookup(new ListingView())).toBe('site.listing');
    expect(registry.lookup(new NewsListingView())).toBe('site.listing');
    expect(declaredRuleset(NewsListingView)).toBeUndefined();
    expect(registry.lookup(new SearchView())).toBe('site.search');
    expect(registry.lookupClass(SearchView)).toBe('site.search');
  });

  it('is overridden by an explicit registration on the same class (configuration wins over code)', () => {
    @cacheRuleset('site.item')
    class ItemView {}
    const registry = new RulesetRegistry({ warn: () => {} });
    registry.register(ItemView, 'site.item.admin');
    expect(registry.lookup(new ItemView())).toBe('site.item.admin');
    expect(registry.directLookup(ItemView)).toBe('site.item.admin');
    registry.unregister(ItemView);
    expect(registry.directLookup(ItemView)).toBe('site.item');
  });

  it('rejects invalid names where the decorator is written, with a typed error naming the value', () => {
    for (const [bad, why] of [
      ['', 'empty'],
      ['site..front', 'empty segment'],
      ['site.front-page', 'hyphen'],
      ['site.1st', 'starts with a digit'],
      [7, 'not a string'],
    ] as const) {
      expect(() => cacheRuleset(bad as string), String(bad)).toThrowError(
        expect.objectContaining({ code: 'ERR_CACHESET_INVALID_RULESET_NAME', message: expect.stringContaining(why) }),
      );
    }
  });

  it('rejects non-class targets', () => {
    const decorate = cacheRuleset('site.x');
    expect(() => decorate((() => 1) as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_TARGET' }),
    );
  });
});
