import { currentUnitOfWork, runInUnitOfWork, UnitOfWork, type CachesetLogger } from '@cacheset/core';
import { describe, expect, it } from 'vitest';

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
