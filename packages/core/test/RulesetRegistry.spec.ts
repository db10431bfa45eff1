import {
  alsoProvides,
  cacheRuleset,
  CachesetError,
  CachesetWarning,
  classImplements,
  defineInterface,
  implementer,
  Interface,
  noLongerProvides,
  RulesetRegistry,
} from '@cacheset/core';
import { beforeEach, describe, expect, it } from 'vitest';

// The z3c.caching test fixtures: ITestView, a more specific IMoreSpecificTestView, TestView
// implementing ITestView and OtherTestView implementing only the more specific interface.
const ITestView = defineInterface('tests.ITestView');
const IMoreSpecificTestView = defineInterface('tests.IMoreSpecificTestView', { extends: [ITestView] });

@implementer(ITestView)
class TestView {}

@implementer(IMoreSpecificTestView)
class OtherTestView {}

class SubTestView extends TestView {}

function newRegistry(): { registry: RulesetRegistry; warnings: CachesetWarning[] } {
  const warnings: CachesetWarning[] = [];
  return { registry: new RulesetRegistry({ warn: (w) => warnings.push(w) }), warnings };
}

describe('RulesetRegistry', () => {
  let registry: RulesetRegistry;
  let warnings: CachesetWarning[];

  beforeEach(() => {
    ({ registry, warnings } = newRegistry());
  });

  describe('.lookup', () => {
    it('Z-1: returns undefined for anything when the registry is empty, null included', () => {
      expect(registry.lookup(new TestView())).toBeUndefined();
      expect(registry.lookup(null)).toBeUndefined();
      expect(registry.lookup(undefined)).toBeUndefined();
      expect(registry.lookup(42)).toBeUndefined();
      expect(registry.lookup(Object.create(null))).toBeUndefined();
    });

    it('Z-2: a rule on a class applies to its instances and to instances of subclasses', () => {
      registry.register(TestView, 'frop');
      expect(registry.lookup(new TestView())).toBe('frop');
      expect(registry.lookup(new SubTestView())).toBe('frop');
    });

    it('Z-3: a rule on an interface applies to instances of every class implementing it', () => {
      registry.register(ITestView, 'frop');
      expect(registry.lookup(new TestView())).toBe('frop');
      expect(registry.lookup(new OtherTestView())).toBe('frop');
    });

    it('Z-4: the most specific interface wins', () => {
      registry.register(ITestView, 'frop');
      registry.register(IMoreSpecificTestView, 'fribble');
      expect(registry.lookup(new OtherTestView())).toBe('fribble');
      expect(registry.lookup(new TestView())).toBe('frop');
    });

    it('Z-5: a rule on the class wins over a rule on an interface it implements', () => {
      registry.register(ITestView, 'frop');
      registry.register(TestView, 'fribble');
      expect(registry.lookup(new TestView())).toBe('fribble');
    });

    it('Z-6: a class rule does not apply to an unrelated class implementing the same interfaces', () => {
      registry.register(TestView, 'frop');
      expect(registry.lookup(new OtherTestView())).toBeUndefined();
    });

    it('an interface declared on a subclass beats a rule on its base class (full C3 order)', () => {
      const IExtra = defineInterface('tests.IExtra');
      @implementer(IExtra)
      class Extra extends TestView {}
      registry.register(TestView, 'base');
      registry.register(IExtra, 'extra');
      expect(registry.lookup(new Extra())).toBe('extra');
    });

    it('tokens provided directly by an instance come before its class', () => {
      const IMarker = defineInterface('tests.IMarker');
      registry.register(TestView, 'class');
      registry.register(IMarker, 'marker');
      const marked = new TestView();
      alsoProvides(marked, IMarker);
      expect(registry.lookup(marked)).toBe('marker');
      expect(registry.lookup(new TestView())).toBe('class');
    });

    it('a class object provides what Function implements, not what its instances implement', () => {
      registry.register(TestView, 'frop');
      expect(registry.lookup(TestView)).toBeUndefined();
      registry.register(Function, 'functions');
      expect(registry.lookup(TestView)).toBe('functions');
    });

    it('Z-19: a rule on the root Interface is returned for every value, null included', () => {
      registry.register(Interface, 'default');
      expect(registry.lookup(null)).toBe('default');
      expect(registry.lookup(undefined)).toBe('default');
      expect(registry.lookup('a string')).toBe('default');
      expect(registry.lookup(new TestView())).toBe('default');
      expect(registry.lookup(Object.create(null))).toBe('default');
      registry.register(TestView, 'specific');
      expect(registry.lookup(new TestView())).toBe('specific');
    });

    it('stays correct after register, unregister and clear although lookups are memoized', () => {
      const view = new SubTestView();
      expect(registry.lookup(view)).toBeUndefined();
      registry.register(ITestView, 'iface');
      expect(registry.lookup(view)).toBe('iface');
      registry.register(TestView, 'class');
      expect(registry.lookup(view)).toBe('class');
      registry.register(SubTestView, 'sub');
      expect(registry.lookup(view)).toBe('sub');
      registry.unregister(SubTestView);
      expect(registry.lookup(view)).toBe('class');
      registry.clear();
      expect(registry.lookup(view)).toBeUndefined();
    });

    it('stays correct when a class gains an interface after a memoized lookup', () => {
      const ILate = defineInterface('tests.ILate');
      const IMarked = defineInterface('tests.IMarked');
      class Late {}
      const late = new Late();
      registry.register(ILate, 'late');
      registry.register(IMarked, 'marked');
      expect(registry.lookup(late)).toBeUndefined();
      expect(registry.lookupClass(Late)).toBeUndefined();
      classImplements(Late, ILate);
      expect(registry.lookup(late)).toBe('late');
      expect(registry.lookupClass(Late)).toBe('late');
      alsoProvides(late, IMarked);
      expect(registry.lookup(late)).toBe('marked');
      noLongerProvides(late, IMarked);
      expect(registry.lookup(late)).toBe('late');
    });
  });

  describe('.lookupClass', () => {
    it('returns what instances of the class would get', () => {
      registry.register(ITestView, 'frop');
      expect(registry.lookupClass(TestView)).toBe('frop');
      expect(registry.lookupClass(SubTestView)).toBe('frop');
      expect(registry.lookupClass(class Unrelated {})).toBeUndefined();
    });

    it('rejects non-classes with a typed error', () => {
      expect(() => registry.lookupClass((() => 1) as never)).toThrowError(
        expect.objectContaining({ code: 'ERR_CACHESET_INVALID_TARGET' }),
      );
    });
  });

  describe('.match', () => {
    it('says where the rule was found and where it came from', () => {
      @cacheRuleset('tests.decorated')
      class Decorated extends TestView {}
      registry.register(ITestView, 'iface');
      expect(registry.match(new Decorated())).toEqual({
        ruleset: 'tests.decorated',
        spec: Decorated,
        source: 'decorator',
      });
      expect(registry.match(new TestView())).toEqual({ ruleset: 'iface', spec: ITestView, source: 'register' });
    });
  });

  describe('.directLookup', () => {
    it('Z-7: returns only the rule on exactly that spec', () => {
      registry.register(ITestView, 'frop');
      expect(registry.directLookup(ITestView)).toBe('frop');
      expect(registry.directLookup(IMoreSpecificTestView)).toBeUndefined();
      expect(registry.directLookup(TestView)).toBeUndefined();
    });
  });

  describe('.register', () => {
    it('Z-8: a second rule on the same spec keeps the first and emits a coded warning', () => {
      registry.register(TestView, 'frop');
      expect(() => registry.register(TestView, 'fribble')).not.toThrow();
      expect(registry.lookup(new TestView())).toBe('frop');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toBeInstanceOf(CachesetWarning);
      expect(warnings[0]?.code).toBe('WARN_CACHESET_DUPLICATE_RULESET');
      expect(warnings[0]?.message).toContain("'frop'");
      expect(warnings[0]?.details).toMatchObject({ target: 'TestView', kept: 'frop', ignored: 'fribble' });
    });

    it('gives the duplicate warning to process.emitWarning by default', async () => {
      const seen: Error[] = [];
      const listener = (w: Error): void => void seen.push(w);
      process.on('warning', listener);
      try {
        const plain = new RulesetRegistry();
        plain.register(TestView, 'a');
        plain.register(TestView, 'b');
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('warning', listener);
      }
      expect(seen.some((w) => (w as CachesetWarning).code === 'WARN_CACHESET_DUPLICATE_RULESET')).toBe(true);
    });

    it('validates the ruleset name wherever it enters (DESIGN §3 overrules Z-16)', () => {
      for (const bad of ['', 'a..b', '.a', 'a.', 'front-page', 'site.1st', '1site', 'a b', 'naïve']) {
        expect(() => registry.register(TestView, bad), bad).toThrowError(
          expect.objectContaining({ code: 'ERR_CACHESET_INVALID_RULESET_NAME' }),
        );
      }
      expect(() => registry.register(TestView, 42 as never)).toThrowError(/not a string/);
      expect(registry.lookup(new TestView())).toBeUndefined();
    });

    it('rejects targets that are neither classes nor interface tokens', () => {
      for (const bad of [{}, 'TestView', null, undefined, 3, () => 1, new TestView()]) {
        expect(() => registry.register(bad as never, 'frop')).toThrowError(
          expect.objectContaining({ code: 'ERR_CACHESET_INVALID_TARGET' }),
        );
      }
    });
  });

  describe('.unregister', () => {
    it('Z-9: removes the rule, and unregistering an unknown spec is a no-op', () => {
      registry.register(TestView, 'frop');
      registry.unregister(TestView);
      expect(registry.lookup(new TestView())).toBeUndefined();
      expect(() => registry.unregister(OtherTestView)).not.toThrow();
    });

    it('leaves less specific rules in force', () => {
      registry.register(ITestView, 'iface');
      registry.register(TestView, 'class');
      registry.unregister(TestView);
      expect(registry.lookup(new TestView())).toBe('iface');
    });
  });

  describe('.clear', () => {
    it('Z-10: removes rules and types, resets explicit mode, leaves other registries alone', () => {
      const other = newRegistry().registry;
      other.register(TestView, 'other');
      registry.declareType('frop', 'Frop');
      registry.setExplicitMode(true);
      registry.register(TestView, 'frop');
      registry.clear();
      expect(registry.lookup(new TestView())).toBeUndefined();
      expect(registry.enumerateTypes()).toEqual([]);
      expect(registry.explicit).toBe(false);
      expect(other.lookup(new TestView())).toBe('other');
    });
  });

  describe('.declareType and .enumerateTypes', () => {
    it('Z-11: a second declaration replaces the first; names are distinct', () => {
      registry.declareType('frop', 'Frop', 'first');
      registry.declareType('fribble', 'Fribble');
      registry.declareType('frop', 'Frop!', 'second');
      const types = registry.enumerateTypes();
      expect(types.map((t) => t.name).sort()).toEqual(['fribble', 'frop']);
      expect(registry.getType('frop')).toEqual({ name: 'frop', title: 'Frop!', description: 'second' });
      expect(registry.getType('fribble')?.description).toBe('');
    });

    it('validates names, titles and descriptions', () => {
      expect(() => registry.declareType('bad-name', 'x')).toThrowError(
        expect.objectContaining({ code: 'ERR_CACHESET_INVALID_RULESET_NAME' }),
      );
      expect(() => registry.declareType('ok', 3 as never)).toThrowError(
        expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
      );
      expect(() => registry.declareType('ok', 'x', {} as never)).toThrowError(
        expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
      );
    });
  });

  describe('explicit mode', () => {
    it('Z-12: register of an undeclared name throws a typed error and registers nothing', () => {
      registry.setExplicitMode(true);
      const attempt = (): void => registry.register(TestView, 'frop');
      expect(attempt).toThrowError(CachesetError);
      expect(attempt).toThrowError(expect.objectContaining({ code: 'ERR_CACHESET_RULESET_NOT_DECLARED' }));
      expect(registry.lookup(new TestView())).toBeUndefined();
      registry.declareType('frop', 'Frop');
      registry.register(TestView, 'frop');
      expect(registry.lookup(new TestView())).toBe('frop');
      registry.setExplicitMode(false);
      registry.register(OtherTestView, 'undeclared');
      expect(registry.lookup(new OtherTestView())).toBe('undeclared');
    });

    it('suggests the declared name closest to a typo', () => {
      registry.declareType('site.frontpage', 'Front page');
      registry.setExplicitMode();
      expect(() => registry.register(TestView, 'site.frontpgae')).toThrowError(/Did you mean "site\.frontpage"\?/);
    });

    it('Z-13: setExplicitMode() with no argument turns it on; the explicit property reads and writes it', () => {
      expect(registry.explicit).toBe(false);
      registry.setExplicitMode();
      expect(registry.explicit).toBe(true);
      registry.explicit = false;
      expect(registry.explicit).toBe(false);
      expect(() => registry.setExplicitMode('yes' as never)).toThrowError(
        expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
      );
    });

    it('applies to @cacheRuleset: a lookup reaching an undeclared decorator name throws', () => {
      @cacheRuleset('tests.undeclared.view')
      class Undeclared {}
      expect(registry.lookup(new Undeclared())).toBe('tests.undeclared.view');
      registry.setExplicitMode();
      expect(() => registry.lookup(new Undeclared())).toThrowError(
        expect.objectContaining({ code: 'ERR_CACHESET_RULESET_NOT_DECLARED' }),
      );
      registry.declareType('tests.undeclared.view', 'Declared now');
      expect(registry.lookup(new Undeclared())).toBe('tests.undeclared.view');
    });

    it('verify() reports every undeclared rule at once, and passes when all are declared', () => {
      @cacheRuleset('tests.verify.decorated')
      class Decorated {}
      registry.register(TestView, 'tests.verify.registered');
      registry.setExplicitMode();
      let caught: unknown;
      try {
        registry.verify();
      } catch (error) {
        caught = error;
      }
      expect(CachesetError.is(caught, 'ERR_CACHESET_RULESET_NOT_DECLARED')).toBe(true);
      expect((caught as Error).message).toContain("'tests.verify.registered' registered on TestView");
      expect((caught as Error).message).toContain("'tests.verify.decorated' declared by @cacheRuleset on Decorated");
      registry.declareType('tests.verify.registered', 'R');
      registry.declareType('tests.verify.decorated', 'D');
      expect(() => registry.verify({ classes: [Decorated] })).not.toThrow();
      expect(registry.lookup(new Decorated())).toBe('tests.verify.decorated');
      registry.setExplicitMode(false);
      expect(() => registry.verify()).not.toThrow();
    });

    it('after verify(), a class decorated later with a name still undeclared once its module ran is warned about', async () => {
      registry.declareType('tests.later.known', 'Known');
      registry.setExplicitMode();
      registry.verify({ classes: [] });
      @cacheRuleset('tests.later.knwon')
      class Misspelt {}
      @cacheRuleset('tests.later.below')
      class DeclaredBelow {}
      registry.declareType('tests.later.below', 'Declared below its class');
      @cacheRuleset('tests.later.registered')
      class Registered {}
      registry.declareType('tests.later.other', 'Other');
      registry.register(Registered, 'tests.later.other');
      await Promise.resolve();
      expect(warnings.map((w) => [w.code, w.details.target, w.details.ruleset])).toEqual([
        ['WARN_CACHESET_UNDECLARED_RULESET', 'Misspelt', 'tests.later.knwon'],
      ]);
      expect(warnings[0]?.message).toContain('Did you mean "tests.later.known"?');
      expect(registry.lookupClass(DeclaredBelow)).toBe('tests.later.below');
      expect(() => registry.lookupClass(Misspelt)).toThrowError(
        expect.objectContaining({ code: 'ERR_CACHESET_RULESET_NOT_DECLARED' }),
      );
      // Out of explicit mode, nothing is said.
      registry.setExplicitMode(false);
      @cacheRuleset('tests.later.free')
      class Free {}
      await Promise.resolve();
      expect(warnings).toHaveLength(1);
      expect(registry.lookupClass(Free)).toBe('tests.later.free');
    });
  });

  describe('.require', () => {
    it('returns the ruleset, or throws a typed error saying how to give one', () => {
      registry.register(TestView, 'frop');
      expect(registry.require(new TestView())).toBe('frop');
      expect(() => registry.require(new OtherTestView())).toThrowError(
        expect.objectContaining({ code: 'ERR_CACHESET_RULESET_NOT_FOUND' }),
      );
    });
  });
});
