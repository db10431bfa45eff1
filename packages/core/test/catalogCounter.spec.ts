import {
  CatalogCounter,
  catalogCounterOf,
  EventBus,
  getDefaultBus,
  ObjectAddedEvent,
  ObjectModifiedEvent,
  ObjectMovedEvent,
  ObjectRemovedEvent,
  ObjectRenamedEvent,
  ObjectWillBeMovedEvent,
  Purge,
  resetDefaultBus,
  runInUnitOfWork,
} from '@cacheset/core';
import { describe, expect, it } from 'vitest';

class Image {
  constructor(readonly slug: string) {}
}

describe('CatalogCounter', () => {
  it('changes on every content event of its bus: added, modified, moved, renamed, removed, Purge', () => {
    const bus = new EventBus();
    const counter = catalogCounterOf(bus);
    const image = new Image('cat');
    const events = [
      new ObjectAddedEvent(image, 'gallery', 'cat'),
      new ObjectModifiedEvent(image, 'title'),
      new ObjectMovedEvent(image, 'gallery', 'cat', 'archive', 'cat'),
      new ObjectRenamedEvent(image, 'archive', 'cat', 'kitten'),
      new ObjectRemovedEvent(image, 'archive', 'kitten'),
      new Purge(image),
    ];
    const seen = [counter.value()];
    for (const event of events) {
      bus.notify(event);
      seen.push(counter.value());
    }
    for (let i = 1; i < seen.length; i += 1)
      expect(seen[i], events[i - 1]?.constructor.name).toBeGreaterThan(seen[i - 1] as number);
  });

  it('does not change for events that are not content changes, nor for another bus', () => {
    const bus = new EventBus();
    const counter = catalogCounterOf(bus);
    const before = counter.value();
    bus.notify(new ObjectWillBeMovedEvent(new Image('cat'), 'gallery', 'cat', 'gallery', 'kitten'));
    new EventBus().notify(new ObjectModifiedEvent(new Image('cat')));
    expect(counter.value()).toBe(before);
  });

  it('starts at the clock and never goes backwards: advanceTo only raises it', () => {
    const start = Date.now();
    const counter = catalogCounterOf(new EventBus());
    expect(counter.value()).toBeGreaterThanOrEqual(start);
    const raised = counter.value() + 1000;
    expect(counter.advanceTo(raised)).toBe(true);
    expect(counter.advanceTo(raised - 10)).toBe(false);
    expect(counter.advanceTo(Number.NaN)).toBe(false);
    expect(counter.value()).toBe(raised);
    expect(counter.bump()).toBe(raised + 1);
  });

  it('one counter per bus: catalogCounterOf gives the same one, a second constructor is refused', () => {
    const bus = new EventBus();
    expect(catalogCounterOf(bus)).toBe(catalogCounterOf(bus));
    expect(() => new CatalogCounter(bus)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
    );
    const fresh = resetDefaultBus();
    expect(catalogCounterOf()).toBe(catalogCounterOf(fresh));
    expect(getDefaultBus()).toBe(fresh);
  });

  it('a change inside a unit of work counts again when the unit commits', async () => {
    const bus = new EventBus();
    const counter = catalogCounterOf(bus);
    const values: number[] = [];
    counter.onBump((value) => void values.push(value));
    await runInUnitOfWork(() => {
      bus.notify(new ObjectModifiedEvent(new Image('cat')));
      bus.notify(new ObjectModifiedEvent(new Image('dog')));
      expect(values).toHaveLength(2);
    });
    // Two changes, and one more at the commit: a page rendered from uncommitted data in between
    // does not keep a current-looking value.
    expect(values).toHaveLength(3);
    expect(counter.value()).toBe(values[2]);
  });

  it('tells its listeners of local changes only, and a failing listener does not break the edit', () => {
    const bus = new EventBus();
    const counter = catalogCounterOf(bus);
    const seen: number[] = [];
    counter.onBump(() => {
      throw new Error('redis gone');
    });
    const off = counter.onBump((value) => void seen.push(value));
    bus.notify(new Purge(new Image('cat')));
    counter.advanceTo(counter.value() + 50);
    off();
    bus.notify(new Purge(new Image('cat')));
    expect(seen).toHaveLength(1);
    expect(bus.listenerFailures).toBe(0);
  });
});
