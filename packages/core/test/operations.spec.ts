import {
  booleanOption,
  CachesetError,
  defineOperation,
  durationOption,
  integerOption,
  MAX_DELTA_SECONDS,
  OperationRegistry,
  parseDuration,
  stringListOption,
  stringOption,
  type CachingOperation,
} from '@cacheset/core';
import { describe, expect, it } from 'vitest';

describe('parseDuration', () => {
  it.each([
    [0, 0],
    [600, 600],
    ['600', 600],
    ['90s', 90],
    ['10m', 600],
    ['10 minutes', 600],
    ['1h30m', 5400],
    ['1h 30m', 5400],
    ['1d', 86_400],
    ['2 weeks', 1_209_600],
    ['1y', 31_536_000],
    [' 5 MIN ', 300],
    [MAX_DELTA_SECONDS, MAX_DELTA_SECONDS],
  ])('%j → %i seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each([
    [-1, 'not a whole, non-negative number'],
    [1.5, 'not a whole, non-negative number'],
    [Number.NaN, 'not a whole, non-negative number'],
    [MAX_DELTA_SECONDS + 1, 'more than 2^31 seconds'],
    ['', 'is empty'],
    ['ten minutes', 'is not a duration'],
    ['10 fortnights', 'unknown unit "fortnights"'],
    ['1h30', 'mixes a bare number with units'],
    ['1.5h', 'is not a duration'],
    ['-5m', 'is not a duration'],
    ['99999999999d', 'more than 2^31 seconds'],
    [true, 'is not a duration'],
    [null, 'is not a duration'],
  ])('%j is an ERR_CACHESET_INVALID_OPTION saying it %s', (input, problem) => {
    let caught: unknown;
    try {
      parseDuration(input);
    } catch (error) {
      caught = error;
    }
    expect(CachesetError.is(caught, 'ERR_CACHESET_INVALID_OPTION')).toBe(true);
    expect((caught as Error).message).toContain(problem);
    expect((caught as Error).message).toContain('"10m"');
  });
});

describe('option kinds', () => {
  it('parse valid values, accept null as "none", and reject the rest with a typed error', () => {
    expect(booleanOption(false).parse(true)).toBe(true);
    expect(booleanOption(false).parse(null)).toBeNull();
    expect(() => booleanOption(false).parse('yes')).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_OPTION' }),
    );
    expect(durationOption(60).parse('1m')).toBe(60);
    expect(integerOption(1, '', { min: 0, max: 5 }).parse(5)).toBe(5);
    expect(() => integerOption(1, '', { min: 0, max: 5 }).parse(6)).toThrowError(/an integer from 0 to 5/);
    expect(stringOption('a', '', ['a', 'b']).parse('b')).toBe('b');
    expect(() => stringOption('a', '', ['a', 'b']).parse('c')).toThrowError(/one of "a", "b"/);
    expect(stringListOption([]).parse(['userid', 'roles'])).toEqual(['userid', 'roles']);
    expect(() => stringListOption([]).parse('userid')).toThrowError(/a list of strings/);
    expect(() => stringListOption([]).parse(['ok', ''])).toThrowError(/non-empty strings/);
  });
});

const noop: CachingOperation = {
  name: 'tests.noop',
  title: 'No-op',
  description: '',
  sort: 1,
  options: {},
  modify() {},
};

describe('defineOperation', () => {
  it.each([
    ['a bad name', { ...noop, name: 'bad-name' }, 'ERR_CACHESET_INVALID_RULESET_NAME'],
    ['no title', { ...noop, title: undefined }, 'ERR_CACHESET_INVALID_OPERATION'],
    ['no hooks', { ...noop, modify: undefined }, 'ERR_CACHESET_INVALID_OPERATION'],
    ['a non-function hook', { ...noop, intercept: 'x' }, 'ERR_CACHESET_INVALID_OPERATION'],
    ['a malformed option', { ...noop, options: { maxage: 60 } }, 'ERR_CACHESET_INVALID_OPERATION'],
    [
      'a default its parser rejects',
      { ...noop, options: { maxage: { ...durationOption(60), default: 'soon' } } },
      'ERR_CACHESET_INVALID_OPERATION',
    ],
  ])('rejects %s', (_label, operation, code) => {
    expect(() => defineOperation(operation as never)).toThrowError(expect.objectContaining({ code }));
  });
});

describe('OperationRegistry', () => {
  it('holds chain by default, rejects duplicates, lists by sort then name', () => {
    const registry = new OperationRegistry();
    expect(registry.names()).toEqual(['chain']);
    registry.register({ ...noop, name: 'tests.b', sort: 2 });
    registry.register({ ...noop, name: 'tests.a', sort: 2 });
    registry.register({ ...noop, name: 'tests.first', sort: 0 });
    expect(registry.list().map((o) => o.name)).toEqual(['tests.first', 'tests.a', 'tests.b', 'chain']);
    expect(() => registry.register({ ...noop, name: 'tests.a' })).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_DUPLICATE_OPERATION' }),
    );
    expect(registry.unregister('tests.a')).toBe(true);
    expect(registry.has('tests.a')).toBe(false);
    expect(new OperationRegistry({ chain: false }).names()).toEqual([]);
  });

  it('require() names the unknown operation and suggests a close one', () => {
    const registry = new OperationRegistry();
    registry.register({ ...noop, name: 'moderateCaching' });
    expect(() => registry.require('moderatCaching')).toThrowError(
      expect.objectContaining({
        code: 'ERR_CACHESET_UNKNOWN_OPERATION',
        message: expect.stringContaining('Did you mean "moderateCaching"?'),
      }),
    );
  });
});
