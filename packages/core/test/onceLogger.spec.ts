import { type CachesetLogger } from '@cacheset/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OnceLogger, onceLoggerFor } from '@cacheset/core/internal';

function recording(): CachesetLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (m) => void lines.push(`warn ${m}`), error: (m) => void lines.push(`error ${m}`) };
}

afterEach(() => vi.useRealTimers());

describe('OnceLogger', () => {
  it('logs each distinct message once, and says so once when it stops remembering', () => {
    const logger = recording();
    const once = new OnceLogger(logger, { maxDistinct: 2, saturatedMessage: 'full' });
    for (const m of ['a', 'a', 'b', 'c', 'd', 'b']) once.error(m);
    expect(logger.lines).toEqual(['error a', 'error b', 'warn full']);
  });

  it('throttles by key: the first at once, then one summary with the count per interval', () => {
    vi.useFakeTimers();
    const logger = recording();
    const once = new OnceLogger(logger, { throttleMs: 1000 });
    for (let i = 0; i < 5; i += 1) once.throttled('error', 'proxy:down', 'proxy down');
    expect(logger.lines).toEqual(['error proxy down']);
    vi.advanceTimersByTime(1000);
    expect(logger.lines).toEqual(['error proxy down', 'error proxy down (and 4 more like this in the last 1000 ms)']);
    once.throttled('warn', 'proxy:down', 'proxy down again');
    once.throttled('warn', 'proxy:down', 'proxy down again');
    once.flush();
    expect(logger.lines.slice(2)).toEqual([
      'warn proxy down again',
      'warn proxy down again (and 1 more like this before shutdown)',
    ]);
  });

  it('never throws when the logger does', () => {
    const broken: CachesetLogger = {
      warn: () => {
        throw new Error('x');
      },
      error: () => {
        throw new Error('x');
      },
    };
    expect(() => new OnceLogger(broken).error('m')).not.toThrow();
  });

  it('onceLoggerFor shares one memory per application logger', () => {
    const logger = recording();
    onceLoggerFor(logger).error('same');
    onceLoggerFor(logger).error('same');
    expect(logger.lines).toEqual(['error same']);
  });
});
