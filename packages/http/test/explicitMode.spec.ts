/**
 * Issue 10, item 6: in explicit mode a misspelt `@cacheRuleset` name stops start-up, naming the
 * class, instead of being found at the first request and served uncached. In its own file (its own
 * process): createHttpCaching verifies every class decorated in the process.
 */
import { cacheRuleset, CachesetError, CachesetWarning, RulesetRegistry } from '@cacheset/core';
import { createHttpCaching } from '@cacheset/http';
import { cachesetExpress } from '@cacheset/http/express';
import { describe, expect, it } from 'vitest';

@cacheRuleset('site.article')
class ArticleView {}

function errorOf(fn: () => unknown): CachesetError {
  try {
    fn();
  } catch (error) {
    if (CachesetError.is(error)) return error;
    throw new Error(`expected a CachesetError, got ${String(error)}`);
  }
  throw new Error('expected a CachesetError, nothing was thrown');
}

const policy = { operationMapping: { 'site.article': 'moderateCaching' } };

function explicitRegistry(warnings: CachesetWarning[] = []): RulesetRegistry {
  const rulesets = new RulesetRegistry({ warn: (warning) => void warnings.push(warning) });
  rulesets.declareType('site.article', 'Article');
  rulesets.setExplicitMode();
  return rulesets;
}

describe('explicit mode, checked when caching is created', () => {
  it('a registry whose decorated classes are all declared starts', () => {
    const caching = createHttpCaching({ policy, rulesets: explicitRegistry() });
    expect(caching.engine.rulesets.lookupClass(ArticleView)).toBe('site.article');
  });

  it('a misspelt decorator name stops start-up, naming the class and the name', () => {
    @cacheRuleset('site.artcle')
    class MisspeltView {}
    const error = errorOf(() => createHttpCaching({ policy, rulesets: explicitRegistry() }));
    expect(error.code).toBe('ERR_CACHESET_RULESET_NOT_DECLARED');
    expect(error.message).toContain("'site.artcle' declared by @cacheRuleset on MisspeltView");
    // Fixed by declaring the name (or fixing it): the same process then starts.
    const rulesets = explicitRegistry();
    rulesets.declareType('site.artcle', 'Misspelt article');
    expect(() => createHttpCaching({ policy, rulesets })).not.toThrow();
    expect(rulesets.lookupClass(MisspeltView)).toBe('site.artcle');
  });

  it('a class decorated after start-up with an undeclared name is warned about, naming it', async () => {
    const warnings: CachesetWarning[] = [];
    const rulesets = explicitRegistry(warnings);
    rulesets.declareType('site.lazy', 'Lazily loaded');
    rulesets.declareType('site.artcle', 'Misspelt article');
    createHttpCaching({ policy, rulesets });
    // As a module loaded later would: one with a typo, one that declares its name below the class.
    @cacheRuleset('site.lazzy')
    class LazyView {}
    @cacheRuleset('site.declaredBelow')
    class DeclaredBelowView {}
    rulesets.declareType('site.declaredBelow', 'Declared below its class');
    await Promise.resolve();
    expect(warnings.map((w) => [w.code, w.details.target, w.details.ruleset])).toEqual([
      ['WARN_CACHESET_UNDECLARED_RULESET', 'LazyView', 'site.lazzy'],
    ]);
    expect(warnings[0]?.message).toContain('Did you mean "site.lazy"?');
    expect(rulesets.lookupClass(DeclaredBelowView)).toBe('site.declaredBelow');
    expect(() => rulesets.lookupClass(LazyView)).toThrow(/not declared/);
  });

  it("a route's ruleset must be declared too, when the route is declared", () => {
    const rulesets = explicitRegistry();
    rulesets.declareType('site.lazy', 'Lazily loaded');
    rulesets.declareType('site.lazzy', 'Lazily loaded, misspelt');
    rulesets.declareType('site.artcle', 'Misspelt article');
    rulesets.declareType('site.declaredBelow', 'Declared below its class');
    const cacheset = cachesetExpress(createHttpCaching({ policy, rulesets }));
    const error = errorOf(() => cacheset.ruleset('site.artilce'));
    expect(error.code).toBe('ERR_CACHESET_RULESET_NOT_DECLARED');
    expect(error.message).toContain('Did you mean "site.article"?');
    expect(() => cacheset.ruleset('site.article')).not.toThrow();
  });
});
