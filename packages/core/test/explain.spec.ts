import {
  CachePolicy,
  defineInterface,
  EventBus,
  implementer,
  OperationRegistry,
  Purge,
  RulesetRegistry,
  stringOption,
  UnitOfWork,
  type CachingOperation,
} from '@cacheset/core';
import { describe, expect, it } from 'vitest';

describe('RulesetRegistry.explain', () => {
  it('gives the C3 order, the entry that matched and what else would have matched', () => {
    const IListing = defineInterface('IListing');
    class Base {}
    @implementer(IListing)
    class Gallery extends Base {}
    const registry = new RulesetRegistry();
    registry.register(IListing, 'site.listing');
    registry.register(Base, 'site.base');
    const explained = registry.explain(new Gallery());
    expect(explained.order.slice(0, 3)).toEqual(['Gallery', 'IListing', 'Base']);
    expect(explained.match).toMatchObject({ ruleset: 'site.listing', spec: IListing, source: 'register' });
    expect(explained.alsoMatching.map((m) => m.ruleset)).toEqual(['site.base']);
    expect(registry.lookup(new Gallery())).toBe(explained.match?.ruleset);
    expect(registry.explainClass(Gallery).match?.ruleset).toBe('site.listing');
  });

  it('does not throw for an undeclared decorator name in explicit mode: it shows it', () => {
    const registry = new RulesetRegistry();
    class View {}
    registry.register(View, 'site.view');
    registry.setExplicitMode();
    expect(registry.explain(new View()).explicit).toBe(true);
  });
});

describe('CachePolicy.explainOptions', () => {
  it('says where every option value comes from: per ruleset, global, or the default', () => {
    const operation: CachingOperation = {
      name: 'demo',
      title: 'Demo',
      description: '',
      sort: 1,
      options: { a: stringOption('a0'), b: stringOption('b0'), c: stringOption('c0') },
      modify: () => undefined,
    };
    const operations = new OperationRegistry();
    operations.register(operation);
    const policy = CachePolicy.compile(
      {
        operationMapping: { 'site.x': 'demo' },
        operations: { demo: { options: { a: 'ga', b: 'gb' }, rulesets: { 'site.x': { a: 'ra' } } } },
      },
      { operations },
    );
    expect(policy.explainOptions(operation, 'site.x')).toEqual([
      { name: 'a', value: 'ra', origin: 'ruleset' },
      { name: 'b', value: 'gb', origin: 'global' },
      { name: 'c', value: 'c0', origin: 'default' },
    ]);
  });
});

describe('a dry unit of work', () => {
  it('delivers no event fired inside it and runs no commit callback', async () => {
    const bus = new EventBus();
    const seen: unknown[] = [];
    bus.subscribe(Purge, (event) => void seen.push(event.object));
    const unit = new UnitOfWork({ dry: true });
    let committed = false;
    unit.run(() => {
      bus.notify(new Purge({}));
      unit.onCommit(() => void (committed = true));
    });
    await unit.commit();
    expect(seen).toEqual([]);
    expect(committed).toBe(false);
    expect(unit.suppressedEvents).toEqual(['Purge']);
    new UnitOfWork().run(() => bus.notify(new Purge({})));
    expect(seen).toHaveLength(1);
  });
});
