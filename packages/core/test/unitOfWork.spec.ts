import {
  CoreErrorCodes,
  currentUnitOfWork,
  EventBus,
  Purge,
  runInUnitOfWork,
  trackWork,
  UnitOfWork,
  whenWorkSettled,
  type CachesetLogger,
} from '@cacheset/core';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { unitStorageHolds } from '../src/unitOfWork/unitStorage.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const quiet = (): CachesetLogger & { errors: string[] } => {
  const errors: string[] = [];
  return { errors, warn: () => {}, error: (m) => void errors.push(m) };
};

describe('UnitOfWork', () => {
  it('is current inside run(), across awaits and timers, and not outside', async () => {
    const unit = new UnitOfWork({ label: 'GET /' });
    expect(currentUnitOfWork()).toBeUndefined();
    await unit.run(async () => {
      expect(currentUnitOfWork()).toBe(unit);
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(currentUnitOfWork()).toBe(unit);
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          expect(currentUnitOfWork()).toBe(unit);
          resolve();
        }),
      );
    });
    expect(currentUnitOfWork()).toBeUndefined();
  });

  it('commit runs commit callbacks in order, once; abort callbacks never run after a commit', async () => {
    const unit = new UnitOfWork();
    const calls: string[] = [];
    unit.onCommit(() => void calls.push('a'));
    unit.onCommit(async () => {
      await Promise.resolve();
      calls.push('b');
    });
    unit.onAbort(() => void calls.push('aborted'));
    await unit.commit();
    await unit.commit();
    await unit.abort();
    expect(calls).toEqual(['a', 'b']);
    expect(unit.status).toBe('committed');
    expect(() => unit.onCommit(() => {})).toThrowError(expect.objectContaining({ code: 'ERR_CACHESET_UNIT_CLOSED' }));
  });

  it('abort runs abort callbacks and keeps the reason; a failing callback is reported, the rest still run', async () => {
    const logger = quiet();
    const unit = new UnitOfWork({ logger, label: 'POST /images' });
    const calls: string[] = [];
    unit.onAbort(() => {
      throw new Error('cleanup bug');
    });
    unit.onAbort(() => void calls.push('second'));
    unit.onCommit(() => void calls.push('never'));
    const reason = new Error('handler failed');
    await unit.abort(reason);
    expect(calls).toEqual(['second']);
    expect(unit.abortReason).toBe(reason);
    expect(logger.errors[0]).toContain("an abort callback of 'POST /images' failed");
  });

  it('per-participant state is created once', () => {
    const unit = new UnitOfWork();
    const key = Symbol('queue');
    const first = unit.state(key, () => new Set<string>());
    first.add('/a');
    expect(unit.state(key, () => new Set<string>())).toBe(first);
  });

  it('runInUnitOfWork commits on success, aborts and re-throws on failure, and joins an open outer unit', async () => {
    const seen: string[] = [];
    const result = await runInUnitOfWork(
      async () => {
        const unit = currentUnitOfWork();
        unit?.onCommit(() => void seen.push('committed'));
        await runInUnitOfWork(() => {
          expect(currentUnitOfWork()).toBe(unit);
        });
        expect(seen).toEqual([]);
        return 42;
      },
      { label: 'script' },
    );
    expect(result).toBe(42);
    expect(seen).toEqual(['committed']);
    const failure = new Error('import failed');
    await expect(
      runInUnitOfWork(() => {
        currentUnitOfWork()?.onCommit(() => void seen.push('wrongly committed'));
        currentUnitOfWork()?.onAbort(() => void seen.push('aborted'));
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(seen).toEqual(['committed', 'aborted']);
  });

  it('rejects non-function callbacks', () => {
    expect(() => new UnitOfWork().onCommit('x' as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
    );
  });
});

/** A promise the test settles when it wants, and whether it has settled. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const recording = (): CachesetLogger & { entries: { message: string; code: unknown }[] } => {
  const entries: { message: string; code: unknown }[] = [];
  const push = (message: string, details?: Readonly<Record<string, unknown>>): void =>
    void entries.push({ message, code: details?.code });
  return { entries, warn: push, error: push };
};

describe('UnitOfWork: in-process work it waits for', () => {
  it('commit waits for the work, then runs the commit callbacks, then waits for their work', async () => {
    const unit = new UnitOfWork({ label: 'POST /flag/cat' });
    const order: string[] = [];
    const deletion = deferred();
    unit.waitFor(
      deletion.promise.then(() => void order.push('files deleted')),
      'deleting the dumps',
    );
    const proxyRecord = deferred();
    unit.onCommit((committed) => {
      order.push('commit callback');
      committed.waitFor(proxyRecord.promise.then(() => void order.push('callback work done')));
    });
    let resolved = false;
    const committing = unit.commit().then(() => {
      resolved = true;
      order.push('commit resolved');
    });
    expect(unit.status).toBe('committed');
    expect(unit.hasPendingWork).toBe(true);
    await tick();
    expect(order).toEqual([]);
    deletion.resolve();
    await tick();
    expect(order).toEqual(['files deleted', 'commit callback']);
    expect(resolved).toBe(false);
    expect(unit.finished).toBe(false);
    proxyRecord.resolve();
    await committing;
    expect(order).toEqual(['files deleted', 'commit callback', 'callback work done', 'commit resolved']);
    expect(unit.finished).toBe(true);
    expect(unit.hasPendingWork).toBe(false);
    // Committing again gives the same, settled outcome.
    await unit.commit();
  });

  it('runInUnitOfWork resolves, or rejects, only once the work tracked inside it is done', async () => {
    const done: string[] = [];
    const slow = (what: string): Promise<void> => tick(20).then(() => void done.push(what));
    await runInUnitOfWork(() => {
      trackWork(slow('committed work'), { label: 'a deletion' });
    });
    expect(done).toEqual(['committed work']);
    const failure = new Error('import failed');
    await expect(
      runInUnitOfWork(() => {
        trackWork(slow('aborted work'));
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(done).toEqual(['committed work', 'aborted work']);
  });

  it('work past workTimeoutMs is given up on: reported once with its code, and the commit goes on', async () => {
    const logger = recording();
    const unit = new UnitOfWork({ label: 'POST /flag/cat', logger, workTimeoutMs: 30 });
    const calls: string[] = [];
    unit.waitFor(new Promise(() => undefined), 'a deletion on a hung disk');
    unit.onCommit(() => void calls.push('callback'));
    const started = Date.now();
    await unit.commit();
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(calls).toEqual(['callback']);
    expect(logger.entries).toEqual([
      { message: expect.stringContaining('a deletion on a hung disk') as string, code: CoreErrorCodes.WORK_TIMEOUT },
    ]);
    expect(logger.entries[0]?.message).toContain("'POST /flag/cat' waited 30 ms");
    expect(unit.hasPendingWork).toBe(false);
  });

  it('work that fails is reported with its code and counts as settled', async () => {
    const logger = recording();
    const unit = new UnitOfWork({ logger });
    const failing = deferred();
    unit.waitFor(failing.promise, 'deleting /images/cat');
    failing.reject(new Error('EACCES'));
    await unit.commit();
    expect(logger.entries).toEqual([
      { message: expect.stringContaining('deleting /images/cat failed') as string, code: CoreErrorCodes.WORK_FAILED },
    ]);
  });

  it('onFirstWork is called once, when the first work arrives (at once when there is some)', () => {
    const unit = new UnitOfWork();
    const calls: string[] = [];
    unit.onFirstWork(() => void calls.push('first'));
    unit.onFirstWork(() => void calls.push('second'));
    expect(calls).toEqual([]);
    unit.waitFor(tick(), 'one');
    unit.waitFor(tick(), 'two');
    expect(calls).toEqual(['first', 'second']);
    unit.onFirstWork(() => void calls.push('late listener'));
    expect(calls).toEqual(['first', 'second', 'late listener']);
  });

  it('refuses work once finished, and anything that is not a promise', async () => {
    const unit = new UnitOfWork();
    expect(() => unit.waitFor('done' as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
    );
    await unit.commit();
    expect(unit.finished).toBe(true);
    expect(() => unit.waitFor(tick())).toThrowError(expect.objectContaining({ code: 'ERR_CACHESET_UNIT_CLOSED' }));
    expect(() => new UnitOfWork({ workTimeoutMs: 0 })).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
    );
  });

  it('outside any unit, whenWorkSettled() awaits tracked work; inside one, the unit does', async () => {
    const outside = deferred();
    let done = false;
    trackWork(
      outside.promise.then(() => void (done = true)),
      { label: 'a script purge' },
    );
    let settled = false;
    const waiting = whenWorkSettled().then(() => void (settled = true));
    await tick();
    expect(settled).toBe(false);
    outside.resolve();
    await waiting;
    expect(done).toBe(true);

    const unit = new UnitOfWork();
    const inside = deferred();
    unit.run(() => trackWork(inside.promise, { label: 'a request purge' }));
    expect(unit.hasPendingWork).toBe(true);
    // The unit's work is not the script's: whenWorkSettled() outside the unit does not wait for it.
    await whenWorkSettled();
    expect(unit.hasPendingWork).toBe(true);
    inside.resolve();
    await unit.run(() => whenWorkSettled());
    expect(unit.hasPendingWork).toBe(false);
  });
});

describe('UnitOfWork.waitForAfterOtherWork', () => {
  it('starts after the work registered in the same turn has settled, and the unit waits for it', async () => {
    const unit = new UnitOfWork({ label: 'edit' });
    const order: string[] = [];
    let finishDump!: () => void;
    unit.waitForAfterOtherWork(async () => {
      order.push('proxies purged');
    }, 'purging proxies');
    // Registered after it, in the same turn, as another listener of the same Purge event would.
    unit.waitFor(
      new Promise<void>((resolve) => (finishDump = resolve)).then(() => void order.push('dump deleted')),
      'deleting dumps',
    );
    unit.waitForAfterOtherWork(async () => {
      order.push('second purger');
    }, 'purging other proxies');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([order, unit.hasPendingWork]).toEqual([[], true]);
    finishDump();
    await unit.commit();
    expect(order).toEqual(['dump deleted', 'proxies purged', 'second purger']);
    expect(unit.hasPendingWork).toBe(false);
  });

  it('rejects what is not a function', () => {
    const unit = new UnitOfWork();
    expect(() => unit.waitForAfterOtherWork(42 as never)).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_ARGUMENT' }),
    );
  });
});

describe('UnitOfWork: the async context is kept only while units run', () => {
  const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

  it('a unit stays current across awaits while another unit starts and finishes meanwhile', async () => {
    const held = unitStorageHolds();
    const long = new UnitOfWork({ label: 'long' });
    const seen: (UnitOfWork | undefined)[] = [];
    const running = long.run(async () => {
      await tick();
      seen.push(currentUnitOfWork());
      await tick();
      seen.push(currentUnitOfWork());
    });
    const short = new UnitOfWork({ label: 'short' });
    short.run(() => seen.push(currentUnitOfWork()));
    await short.commit();
    expect(short.finished).toBe(true);
    await running;
    expect(seen).toEqual([short, long, long]);
    expect(unitStorageHolds()).toBe(held + 1);
    await long.commit();
    expect(unitStorageHolds()).toBe(held);
  });

  it('after every unit finished, a new unit is current again across awaits and timers', async () => {
    const held = unitStorageHolds();
    for (let i = 0; i < 3; i += 1) {
      const unit = new UnitOfWork();
      const seen = await unit.run(async () => {
        await tick();
        return currentUnitOfWork();
      });
      expect(seen).toBe(unit);
      await unit.commit();
      expect(unitStorageHolds()).toBe(held);
      expect(currentUnitOfWork()).toBeUndefined();
    }
  });

  it('work and purges started after a unit finished go where they would outside any unit', async () => {
    const bus = new EventBus();
    const purged: unknown[] = [];
    bus.subscribe(Purge, (event) => void purged.push(event.object));
    const held = unitStorageHolds();
    const unit = new UnitOfWork();
    let release: () => void = () => undefined;
    const work = new Promise<void>((resolve) => (release = resolve));
    const page = {};
    let late: Promise<void> | undefined;
    unit.run(() => {
      late = tick().then(() => {
        // The unit has finished by now: its work and commit callbacks are behind it.
        expect(unit.finished).toBe(true);
        trackWork(work);
        bus.notify(new Purge(page));
      });
    });
    await unit.commit();
    expect(unitStorageHolds()).toBe(held);
    await late;
    expect(purged).toEqual([page]);
    // The work joined the work outside units, which whenWorkSettled() outside any unit waits for.
    let settled = false;
    const waiting = whenWorkSettled().then(() => void (settled = true));
    await tick();
    expect(settled).toBe(false);
    release();
    await waiting;
    expect(settled).toBe(true);
  });

  it('a dry unit keeps suppressing what its code fires after it finished, with no other unit open', async () => {
    const bus = new EventBus();
    const seen: unknown[] = [];
    bus.subscribe(Purge, (event) => void seen.push(event.object));
    const held = unitStorageHolds();
    const dry = new UnitOfWork({ dry: true });
    let late: Promise<void> | undefined;
    dry.run(() => {
      late = tick().then(() => bus.notify(new Purge({})));
    });
    await dry.commit();
    expect(dry.finished).toBe(true);
    // Held until the dry unit is collected, which cannot happen while its code can still run.
    expect(unitStorageHolds()).toBe(held + 1);
    await late;
    expect(seen).toEqual([]);
    expect(dry.suppressedEvents).toEqual(['Purge']);
  });

  it('a long-lived timer its code armed does not keep a finished unit, or what it references, alive', async () => {
    // Node arms such a timer on every keep-alive socket when a response finishes: it belongs to the
    // connection and outlives the request by far.
    const timers: NodeJS.Timeout[] = [];
    const refs: WeakRef<object>[] = [];
    const dryRefs: WeakRef<object>[] = [];
    // Closures made outside the loop, so that none of them holds the loop's variables.
    const armTimer = (): void => void timers.push(setTimeout(() => undefined, 60_000));
    const listenerFor = (response: { body: string }) => () => void response.body;
    for (const dry of [false, true]) {
      const unit = new UnitOfWork({ dry });
      const response = { body: 'x'.repeat(1024) };
      unit.onFirstWork(listenerFor(response));
      unit.run(armTimer);
      await unit.commit();
      (dry ? dryRefs : refs).push(new WeakRef(unit), new WeakRef(response));
    }
    // WeakRef targets are kept until the current job ends.
    await tick();
    gc();
    gc();
    try {
      expect(refs.map((ref) => ref.deref())).toEqual([undefined, undefined]);
      // A dry unit stays current for its late code, so the timer does keep it (and its hold).
      expect(dryRefs.every((ref) => ref.deref() !== undefined)).toBe(true);
    } finally {
      for (const timer of timers) clearTimeout(timer);
    }
  });

  it('a unit that ran again after it finished takes no hold', async () => {
    const held = unitStorageHolds();
    const unit = new UnitOfWork();
    unit.run(() => undefined);
    await unit.commit();
    expect(unit.run(() => currentUnitOfWork())).toBe(unit);
    expect(unitStorageHolds()).toBe(held);
  });
});
