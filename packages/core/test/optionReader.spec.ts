import { CachesetError } from '@cacheset/core';
import { describe, expect, it } from 'vitest';
import { OptionReader } from '@cacheset/core/internal';

const read = new OptionReader(
  (message, value) => new CachesetError('ERR_CACHESET_TEST_INVALID_OPTIONS', message, { details: { value } }),
  'Thing: ',
);

function failure(run: () => unknown): CachesetError {
  try {
    run();
  } catch (error) {
    if (CachesetError.is(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('OptionReader', () => {
  it('names the option path, the expectation and the value, with the package code', () => {
    const error = failure(() => read.integer('proxies[0].retry.attempts', 0, 8, { min: 1, max: 100 }));
    expect(error.code).toBe('ERR_CACHESET_TEST_INVALID_OPTIONS');
    expect(error.message).toBe('Thing: proxies[0].retry.attempts must be an integer from 1 to 100, got 0.');
    expect(error.details.value).toBe(0);
  });

  it('suggests the likely intended key and lists the known ones', () => {
    expect(failure(() => read.keys('delivery', { timout: 1 }, ['timeoutMs', 'timeout', 'retry'])).message).toBe(
      `Thing: delivery: unknown option 'timout'. Did you mean "timeout"? The options are timeoutMs, timeout, retry.`,
    );
    expect(failure(() => read.keys('', { zzz: 1 }, ['root'])).message).toBe(
      "Thing: unknown option 'zzz'. The options are root.",
    );
  });

  it('gives the default for an absent option and the value for a valid one', () => {
    expect(read.flag('gzip', undefined, true)).toBe(true);
    expect(read.flag('gzip', false, true)).toBe(false);
    expect(read.number('jitter', 0.5, 0, { min: 0, max: 1 })).toBe(0.5);
    expect(read.oneOf('kind', 'nginx', 'varnish', ['varnish', 'nginx'])).toBe('nginx');
    expect(read.duration('maxAge', '1m', 3600)).toBe(60);
    expect(read.names('cookies', ['a'], 'cookie names')).toEqual(['a']);
  });

  it('refuses each kind of bad value with what was expected', () => {
    expect(failure(() => read.flag('gzip', 'yes', false)).message).toBe(
      'Thing: gzip must be true or false, got "yes".',
    );
    expect(failure(() => read.oneOf('kind', 'squid', 'varnish', ['varnish'])).message).toContain('one of varnish');
    expect(failure(() => read.duration('maxAge', '10 fortnights', 1)).message).toMatch(/^Thing: maxAge: /);
    expect(failure(() => read.logger('logger', console.log)).message).toContain('warn(message, details)');
    expect(failure(() => read.record('options', null, 'an object { root }')).message).toBe(
      'Thing: options must be an object { root }, got null.',
    );
  });
});
