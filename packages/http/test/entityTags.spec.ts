import { describe, expect, it } from 'vitest';
import {
  formatEntityTag,
  parseEntityTagList,
  strongMatch,
  weakMatch,
  type EntityTag,
} from '../src/validators/entityTags.js';

const opaques = (list: '*' | EntityTag[]): '*' | string[] => (list === '*' ? '*' : list.map((t) => t.opaque));

describe('formatEntityTag', () => {
  it('quotes the opaque part, with W/ for a weak tag', () => {
    expect(formatEntityTag('|foo|bar|')).toBe('"|foo|bar|"');
    expect(formatEntityTag('abc', true)).toBe('W/"abc"');
  });

  it('gives the right tag whatever was formatted just before (the last tag is remembered)', () => {
    expect(formatEntityTag('abc')).toBe('"abc"');
    expect(formatEntityTag('abc')).toBe('"abc"');
    expect(formatEntityTag('abc', true)).toBe('W/"abc"');
    expect(formatEntityTag('abc')).toBe('"abc"');
    expect(formatEntityTag('abd')).toBe('"abd"');
  });
});

describe('parseEntityTagList', () => {
  // plone.app.caching's parseETags table (PAC-9), adapted where noted.
  it('reads the wildcard', () => {
    expect(parseEntityTagList('*')).toBe('*');
    expect(parseEntityTagList('  *  ')).toBe('*');
  });

  it('reads a quoted "*" as an ordinary tag, not the wildcard (RFC 9110: "*" is an entity-tag; the ancestors matched anything)', () => {
    expect(parseEntityTagList('"*"')).toEqual([{ weak: false, opaque: '*' }]);
    expect(weakMatch(parseEntityTagList('"*"'), '|foo')).toBe(false);
  });

  it('reads a lazy client’s unquoted tag', () => {
    expect(opaques(parseEntityTagList('|foo|bar;baz'))).toEqual(['|foo|bar;baz']);
  });

  it('reads lists of quoted tags', () => {
    expect(opaques(parseEntityTagList('"|foo|bar;baz", "1234"'))).toEqual(['|foo|bar;baz', '1234']);
    expect(opaques(parseEntityTagList('"a","b" ,\t"c"'))).toEqual(['a', 'b', 'c']);
  });

  it('reads lists of unquoted tags', () => {
    expect(opaques(parseEntityTagList('|foo|bar;baz,1234'))).toEqual(['|foo|bar;baz', '1234']);
  });

  it('trims trailing spaces of unquoted tags (the ancestors kept "a " in "a ,b")', () => {
    expect(opaques(parseEntityTagList('a ,b'))).toEqual(['a', 'b']);
  });

  it('marks weak tags, whatever the case of W/', () => {
    expect(parseEntityTagList('"|foo|bar;baz", W/"1234"')).toEqual([
      { weak: false, opaque: '|foo|bar;baz' },
      { weak: true, opaque: '1234' },
    ]);
    expect(parseEntityTagList('w/"x"')).toEqual([{ weak: true, opaque: 'x' }]);
    expect(parseEntityTagList('W/lazy')).toEqual([{ weak: true, opaque: 'lazy' }]);
  });

  it('keeps a lone quote as one odd tag that matches nothing', () => {
    expect(opaques(parseEntityTagList('"'))).toEqual(['"']);
    expect(weakMatch(parseEntityTagList('"'), '')).toBe(false);
    expect(opaques(parseEntityTagList('"a", "b'))).toEqual(['a', '"b']);
  });

  it('keeps quoted tags verbatim, commas included', () => {
    expect(opaques(parseEntityTagList('"a,b", "c"'))).toEqual(['a,b', 'c']);
  });

  it('gives an empty list for empty and separator-only values', () => {
    expect(parseEntityTagList(undefined)).toEqual([]);
    expect(parseEntityTagList('')).toEqual([]);
    expect(parseEntityTagList(' , ,, ')).toEqual([]);
    expect(parseEntityTagList('W/')).toEqual([]);
  });

  it('reads an unquoted * inside a list as the wildcard', () => {
    expect(parseEntityTagList('"a", *')).toBe('*');
  });

  it('stops after 64 tags and does not scan beyond 16 KiB', () => {
    const many = Array.from({ length: 1000 }, (_, i) => `"t${i}"`).join(', ');
    const list = parseEntityTagList(many);
    expect(list).not.toBe('*');
    expect((list as EntityTag[]).length).toBe(64);
    const started = performance.now();
    const huge = parseEntityTagList(`"${'x'.repeat(5_000_000)}"`);
    expect(performance.now() - started).toBeLessThan(200);
    expect(weakMatch(huge, 'x'.repeat(5_000_000))).toBe(false);
  });
});

describe('weakMatch', () => {
  it('compares opaque parts only, ignoring W/ on either side (RFC 9110 §8.8.3.2)', () => {
    expect(weakMatch(parseEntityTagList('W/"1"'), '1')).toBe(true);
    expect(weakMatch(parseEntityTagList('"1"'), '1')).toBe(true);
    expect(weakMatch(parseEntityTagList('"2", "1"'), '1')).toBe(true);
    expect(weakMatch(parseEntityTagList('"2"'), '1')).toBe(false);
    expect(weakMatch(parseEntityTagList('"A"'), 'a')).toBe(false);
  });

  it('matches anything for the wildcard and nothing for an empty list', () => {
    expect(weakMatch('*', 'x')).toBe(true);
    expect(weakMatch([], 'x')).toBe(false);
  });
});

describe('strongMatch', () => {
  it('needs both tags strong and equal (RFC 9110 §8.8.3.2)', () => {
    expect(strongMatch(parseEntityTagList('"1"'), '1', false)).toBe(true);
    expect(strongMatch(parseEntityTagList('W/"1"'), '1', false)).toBe(false);
    expect(strongMatch(parseEntityTagList('"1"'), '1', true)).toBe(false);
    expect(strongMatch(parseEntityTagList('"2"'), '1', false)).toBe(false);
  });

  it('matches anything for the wildcard', () => {
    expect(strongMatch('*', '1', true)).toBe(true);
  });
});
