// 1. Components declare what they are: a ruleset name on each view class.
import { cacheRuleset, CachesetError, RulesetRegistry } from '@cacheset/core';

@cacheRuleset('site.frontpage')
export class FrontpageView {
  render(): string {
    return '<h1>Welcome</h1>';
  }
}

@cacheRuleset('site.gallery')
export class GalleryView {}

// A subclass inherits its parent's ruleset unless it declares its own.
export class FeaturedGalleryView extends GalleryView {}

export function main(): { frontpage: string | undefined; featured: string | undefined; typo: string } {
  const registry = new RulesetRegistry();
  // Explicit mode: every ruleset name must be declared, so a typo fails loudly instead of silently not caching.
  registry.declareType('site.frontpage', 'Front page', 'The home page');
  registry.declareType('site.gallery', 'Gallery', 'Image listings');
  registry.setExplicitMode();

  @cacheRuleset('site.galery')
  class MisspelledView {}

  let typo = '';
  try {
    registry.lookup(new MisspelledView());
  } catch (error) {
    if (CachesetError.is(error, 'ERR_CACHESET_RULESET_NOT_DECLARED')) typo = error.code;
  }
  return {
    frontpage: registry.lookup(new FrontpageView()),
    featured: registry.lookupClass(FeaturedGalleryView),
    typo,
  };
}
