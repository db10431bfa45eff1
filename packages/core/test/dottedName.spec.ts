import { assertDottedName, CachesetError, describeValue, dottedNameProblem, isDottedName } from '@cacheset/core';
import { describe, expect, it } from 'vitest';

describe('dotted names', () => {
  it('accepts letters, digits and underscores in dot-separated segments starting with a letter or _', () => {
    for (const good of ['a', 'site.frontpage', 'plone.content.itemView', '_private.x_1', 'A.B.C9'])
      expect(isDottedName(good), good).toBe(true);
  });

  it.each([
    ['', 'it is empty'],
    ['.a', 'it starts with a dot'],
    ['a.', 'it ends with a dot'],
    ['a..b', 'empty segment'],
    ['front-page', 'a hyphen'],
    ['site.9lives', 'starts with a digit'],
    ['a b', 'whitespace'],
    ['café', '"é"'],
    ['a/b', '"/"'],
  ])('rejects %j: %s', (name, reason) => {
    expect(dottedNameProblem(name)).toContain(reason);
  });

  it('rejects non-strings and says what they are', () => {
    expect(dottedNameProblem(undefined)).toBe('it is undefined, not a string');
    expect(dottedNameProblem(['a'])).toBe('it is an array of 1, not a string');
    expect(dottedNameProblem(3)).toBe('it is 3, not a string');
  });

  it('assertDottedName throws ERR_CACHESET_INVALID_RULESET_NAME naming the value and the source', () => {
    let caught: unknown;
    try {
      assertDottedName('front-page', 'ruleset name', 'config.yaml');
    } catch (error) {
      caught = error;
    }
    expect(CachesetError.is(caught, 'ERR_CACHESET_INVALID_RULESET_NAME')).toBe(true);
    expect((caught as Error).message).toBe(
      'Invalid ruleset name "front-page" (config.yaml): segment "front-page" contains a hyphen. Use a dotted name: segments of letters, digits and underscores separated by dots, each starting with a letter or underscore, e.g. "site.frontpage".',
    );
    expect((caught as CachesetError).details).toEqual({
      value: 'front-page',
      what: 'ruleset name',
      where: 'config.yaml',
    });
  });

  it('describeValue renders values safely for messages', () => {
    expect(describeValue('x'.repeat(200))).toHaveLength(82);
    expect(describeValue(new Map())).toBe('a Map object');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
    expect(describeValue(function named() {})).toBe('function named');
  });
});
