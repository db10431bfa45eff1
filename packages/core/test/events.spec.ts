import {
  alsoProvides,
  EventBus,
  getDefaultBus,
  implementer,
  IPurgeable,
  notify,
  ObjectAddedEvent,
  ObjectEvent,
  ObjectModifiedEvent,
  ObjectMovedEvent,
  ObjectRemovedEvent,
  ObjectRenamedEvent,
  ObjectWillBeMovedEvent,
  Purge,
  resetDefaultBus,
  subscribe,
  type CachesetLogger,
} from '@cacheset/core';
import { afterEach, describe, expect, it } from 'vitest';

function recordingLogger(): CachesetLogger & {
  errors: { message: string; details: Readonly<Record<string, unknown>> | undefined }[];
} {
  const errors: { message: string; details: Readonly<Record<string, unknown>> | undefined }[] = [];
  return { errors, warn: () => {}, error: (message, details) => void errors.push({ message, details }) };
}

@implementer(IPurgeable)
class Document {}
class Unmarked {}

function purgesOf(bus: EventBus): object[] {
  const seen: object[] = [];
  bus.subscribe(Purge, (event) => void seen.push(event.object));
  return seen;
}

describe('EventBus', () => {
  it('delivers an event to listeners of its class and of every base class, most specific first', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    bus.subscribe(ObjectEvent, (e) => void calls.push(`object:${e.constructor.name}`));
    bus.subscribe(ObjectMovedEvent, (e) => void calls.push(`moved:${e.constructor.name}`));
    bus.subscribe(ObjectRemovedEvent, () => void calls.push('removed'));
    bus.notify(new ObjectRemovedEvent(new Unmarked(), {}, 'old'));
    expect(calls).toEqual(['removed', 'moved:ObjectRemovedEvent', 'object:ObjectRemovedEvent']);
    calls.length = 0;
    bus.notify(new ObjectModifiedEvent(new Unmarked(), 'title'));
    expect(calls).toEqual(['object:ObjectModifiedEvent']);
    calls.length = 0;
    bus.notify(new ObjectWillBeMovedEvent(new Unmarked(), {}, 'a', {}, 'b'));
    bus.notify(new Purge(new Unmarked()));
    // will-be-moved is not a move; Purge is an object event, as in z3c.caching
    expect(calls).toEqual(['object:ObjectWillBeMovedEvent', 'object:Purge']);
  });

  it('unsubscribes with the function subscribe returns', () => {
    const bus = new EventBus();
    const seen = purgesOf(bus);
    const extra: object[] = [];
    const off = bus.subscribe(Purge, (e) => void extra.push(e.object));
    expect(bus.listenerCount(Purge)).toBe(2);
    off();
    bus.notify(new Purge(new Unmarked()));
    expect(seen).toHaveLength(1);
    expect(extra).toHaveLength(0);
  });

  it('a throwing listener is reported and counted; other listeners and the caller carry on', () => {
    const logger = recordingLogger();
    const bus = new EventBus({ logger });
    const after: object[] = [];
    bus.subscribe(Purge, function explodingListener() {
      throw new Error('listener bug');
    });
    bus.subscribe(Purge, (e) => void after.push(e.object));
    const target = new Unmarked();
    expect(() => bus.notify(new Purge(target))).not.toThrow();
    expect(after).toEqual([target]);
    expect(bus.listenerFailures).toBe(1);
    expect(logger.errors[0]?.message).toContain('a listener for Purge failed');
    expect(logger.errors[0]?.details).toMatchObject({
      event: 'Purge',
      listener: 'explodingListener',
      error: expect.any(Error),
    });
  });

  it('a rejecting async listener is reported too, without an unhandled rejection', async () => {
    const logger = recordingLogger();
    const bus = new EventBus({ logger });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      bus.subscribe(Purge, async () => {
        await Promise.resolve();
        throw new Error('async listener bug');
      });
      bus.notify(new Purge(new Unmarked()));
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(bus.listenerFailures).toBe(1);
    expect(unhandled).toEqual([]);
    expect(logger.errors).toHaveLength(1);
  });

  it('a logger that throws does not turn a reported failure into a thrown one', () => {
    const bus = new EventBus({
      logger: {
        warn: () => {},
        error: () => {
          throw new Error('logger down');
        },
      },
    });
    bus.subscribe(Purge, () => {
      throw new Error('x');
    });
    expect(() => bus.notify(new Purge(new Unmarked()))).not.toThrow();
    expect(bus.listenerFailures).toBe(1);
  });

  it('rejects events and arguments that are not objects, classes or functions, with typed errors', () => {
    const bus = new EventBus();
    expect(() => bus.notify('purge' as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_EVENT' }),
    );
    expect(() => new Purge(null as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_EVENT' }),
    );
    expect(() => new ObjectModifiedEvent(5 as never)).toThrowError(
      expect.objectContaining({
        code: 'ERR_CACHESET_INVALID_EVENT',
        message: expect.stringContaining('ObjectModifiedEvent'),
      }),
    );
    expect(() => new ObjectMovedEvent({}, undefined, 3 as never, undefined, 'x')).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_EVENT' }),
    );
    expect(() => new ObjectWillBeMovedEvent({}, undefined, 'x', undefined, {} as never)).toThrowError(
      expect.objectContaining({
        code: 'ERR_CACHESET_INVALID_EVENT',
        message: expect.stringContaining('ObjectWillBeMovedEvent'),
      }),
    );
    expect(() => new Purge(null as never)).toThrowError(
      expect.objectContaining({ message: expect.stringContaining('new Purge(...): expected the object') }),
    );
    expect(() => bus.subscribe('Purge' as never, () => {})).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
    );
    expect(() => bus.subscribe(Purge, 'listener' as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
    );
  });

  it('clear() removes listeners but keeps the purge redispatch', () => {
    const bus = new EventBus();
    purgesOf(bus);
    bus.clear();
    const seen = purgesOf(bus);
    bus.notify(new ObjectModifiedEvent(new Document()));
    expect(seen).toHaveLength(1);
  });
});

describe('IPurgeable redispatch (Z-18)', () => {
  const cases: [string, (o: object) => object, number][] = [
    ['modified', (o) => new ObjectModifiedEvent(o), 1],
    ['added', (o) => new ObjectAddedEvent(o, {}, 'new'), 0],
    ['moved', (o) => new ObjectMovedEvent(o, { id: 'a' }, 'doc', { id: 'b' }, 'doc'), 1],
    ['renamed', (o) => new ObjectRenamedEvent(o, {}, 'old', 'new'), 1],
    ['removed', (o) => new ObjectRemovedEvent(o, {}, 'doc'), 1],
    ['will be moved', (o) => new ObjectWillBeMovedEvent(o, {}, 'old', {}, 'new'), 1],
    [
      'moved from nowhere (an add spelled as a move)',
      (o) => new ObjectMovedEvent(o, undefined, undefined, {}, 'doc'),
      0,
    ],
  ];

  it.each(cases)('%s → %i Purge for a marked object, none for an unmarked one', (_label, make, expected) => {
    const bus = new EventBus();
    const seen = purgesOf(bus);
    const doc = new Document();
    bus.notify(make(doc));
    expect(seen).toEqual(Array(expected).fill(doc));
    seen.length = 0;
    bus.notify(make(new Unmarked()));
    expect(seen).toEqual([]);
  });

  it('a single object marked with alsoProvides is purged too', () => {
    const bus = new EventBus();
    const seen = purgesOf(bus);
    const one = new Unmarked();
    alsoProvides(one, IPurgeable);
    bus.notify(new ObjectModifiedEvent(one));
    expect(seen).toEqual([one]);
  });

  it('can be switched off', () => {
    const bus = new EventBus({ purgeRedispatch: false });
    const seen = purgesOf(bus);
    bus.notify(new ObjectModifiedEvent(new Document()));
    expect(seen).toEqual([]);
  });
});

describe('the default bus', () => {
  afterEach(() => {
    resetDefaultBus();
  });

  it('notify and subscribe use it; resetDefaultBus replaces it', () => {
    const seen: object[] = [];
    const off = subscribe(Purge, (e) => void seen.push(e.object));
    const doc = new Document();
    notify(new ObjectModifiedEvent(doc));
    expect(seen).toEqual([doc]);
    off();
    const fresh = resetDefaultBus();
    expect(getDefaultBus()).toBe(fresh);
    expect(fresh.listenerCount(Purge)).toBe(0);
  });
});
