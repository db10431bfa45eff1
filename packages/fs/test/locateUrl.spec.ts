import { describe, expect, it } from 'vitest';
import { canonicalQuery, fileOf, locateUrl, purgeKeyOf, type PathRules } from '../src/index.js';

const rules: PathRules = {
  indexName: 'index',
  maxNameBytes: 255,
  maxPathBytes: 1024,
  suffixBytes: 5,
  directSuffix: '.html',
};

function file(url: string, extension = 'html', allowed: readonly string[] | null = null): string {
  const located = locateUrl(url, rules, allowed);
  if ('problem' in located) throw new Error(`${url} refused: ${located.problem}`);
  return fileOf(located.location, extension);
}

function problem(url: string, allowed: readonly string[] | null = null): string | undefined {
  const located = locateUrl(url, rules, allowed);
  return 'problem' in located ? located.problem : undefined;
}

describe('where a URL lives under the document root (WC-1)', () => {
  it('mirrors the URL, always appending the type extension, with the directory index for a trailing slash', () => {
    expect(file('/')).toBe('index.html');
    expect(file('/a')).toBe('a.html');
    expect(file('/a/')).toBe('a/index.html');
    expect(file('/a/b')).toBe('a/b.html');
    expect(file('/a/b/')).toBe('a/b/index.html');
    expect(file('/images/cat.png', 'png')).toBe('images/cat.png.png');
    expect(file('/caf%C3%A9')).toBe('café.html');
    expect(file('/a%20b')).toBe('a b.html');
  });

  it('keeps /a, /a/, /a.html and /a/b apart: no two URLs share a file, and no file is where a directory must be', () => {
    // A directory may end with another type's extension, just not with the first one's (.html).
    expect(file('/images/cat.png/thumbnail', 'png')).toBe('images/cat.png/thumbnail.png');
    const files = ['/a', '/a/', '/a.html', '/a/b', '/a/b/'].map((u) => file(u));
    expect(new Set(files).size).toBe(files.length);
    expect(files).toEqual(['a.html', 'a/index.html', 'a.html.html', 'a/b.html', 'a/b/index.html']);
  });

  it('uses a custom directory index name, and reserves it as a last segment', () => {
    const custom = { ...rules, indexName: '__index' };
    const located = locateUrl('/docs/', custom, null);
    expect('location' in located && fileOf(located.location, 'html')).toBe('docs/__index.html');
    expect(locateUrl('/docs/__index', custom, null)).toEqual({ problem: 'reserved-name' });
    expect(problem('/docs/index')).toBe('reserved-name');
    expect(file('/index/more')).toBe('index/more.html');
  });

  it('gives /a and /a/ one purge key, and the root the key /', () => {
    const key = (url: string): string | undefined => {
      const located = locateUrl(url, rules, ['page']);
      return 'location' in located ? located.location.key : undefined;
    };
    expect(key('/a')).toBe('/a');
    expect(key('/a/')).toBe('/a');
    expect(key('/a?page=2')).toBe('/a');
    expect(key('/')).toBe('/');
    expect(purgeKeyOf('/a/b/?x=1', rules)).toEqual({ key: '/a/b', segments: ['a', 'b'] });
    expect(purgeKeyOf('/../etc', rules)).toBeUndefined();
  });
});

describe('refusing paths that could leave the root or alias another page', () => {
  const cases: [string, string][] = [
    ['/../etc/passwd', 'dot-segment'],
    ['/a/../../etc', 'dot-segment'],
    ['/a/./b', 'dot-segment'],
    ['/%2e%2e/etc', 'dot-segment'],
    ['/%2E%2E/etc', 'dot-segment'],
    ['/.%2e/etc', 'dot-segment'],
    ['/%2e/a', 'dot-segment'],
    ['/a%2ehtml', 'encoded-dot'],
    ['/%252e%252e/etc', 'double-encoded'],
    ['/%25252e', 'double-encoded'],
    ['/a%2fb', 'encoded-slash'],
    ['/..%2Fetc', 'encoded-slash'],
    ['/a%5cb', 'backslash'],
    ['/a\\b', 'backslash'],
    ['/..\\..\\etc', 'backslash'],
    ['/a%00.html', 'control-character'],
    ['/%00', 'control-character'],
    ['/a%0d%0aSet-Cookie:x', 'control-character'],
    ['/a%7f', 'control-character'],
    ['//etc/passwd', 'empty-segment'],
    ['/a//b', 'empty-segment'],
    ['http://evil.example/a', 'not-origin-form'],
    ['*', 'not-origin-form'],
    ['', 'not-origin-form'],
    ['etc/passwd', 'not-origin-form'],
    ['/%c0%ae%c0%ae/etc', 'bad-encoding'],
    ['/%e0%80%ae', 'bad-encoding'],
    ['/%ff', 'bad-encoding'],
    ['/%zz', 'bad-encoding'],
    ['/caf\u00e9', 'bad-character'],
    ['/a b', 'bad-character'],
    ['/a#frag', 'bad-character'],
    ['/.htaccess', 'hidden-name'],
    ['/.git/config', 'hidden-name'],
    ['/a/.cs-0123456789abcdef.tmp', 'hidden-name'],
    ['/.cs-trash-abc/x', 'hidden-name'],
    ['/a!b', 'reserved-name'],
    ['/a%21b', 'reserved-name'],
    ['/a%3Fb', 'reserved-name'],
    ['/docs/page.html/comments', 'reserved-name'],
    ['/docs/index.html/', 'reserved-name'],
  ];
  it.each(cases)('%s is refused (%s)', (url, reason) => {
    expect(problem(url)).toBe(reason);
  });

  it('refuses names over the filesystem limit, counting bytes (not characters), suffix included', () => {
    expect(file(`/${'a'.repeat(250)}`)).toBe(`${'a'.repeat(250)}.html`);
    expect(problem(`/${'a'.repeat(251)}`)).toBe('name-too-long');
    expect(problem(`/${'a'.repeat(256)}/b`)).toBe('name-too-long');
    // é is two bytes: 126 of them are 252 bytes, too long once ".html" is added.
    expect(problem(`/${'%C3%A9'.repeat(126)}`)).toBe('name-too-long');
    expect(file(`/${'%C3%A9'.repeat(125)}`)).toBe(`${'é'.repeat(125)}.html`);
    expect(problem(`/${'a/'.repeat(600)}x`)).toBe('path-too-long');
  });
});

describe('query strings (WC-2)', () => {
  it('refuses any query unless the policy allows its parameters', () => {
    expect(problem('/a?x=1')).toBe('query');
    expect(problem('/a?page=2', [])).toBe('query');
    expect(problem('/a?page=2&utm=1', ['page'])).toBe('query');
    expect(file('/a?')).toBe('a.html');
  });

  it('keeps allowed queries only in canonical form, as part of the file name', () => {
    expect(file('/gallery?page=2', 'html', ['page'])).toBe('gallery!page=2.html');
    expect(file('/gallery/?page=2', 'html', ['page'])).toBe('gallery/index!page=2.html');
    expect(file('/g?page=2&size=s', 'html', ['page', 'size'])).toBe('g!page=2&size=s.html');
    expect(problem('/g?size=s&page=2', ['page', 'size'])).toBe('query-not-canonical');
    expect(problem('/g?page=%32', ['page'])).toBe('query-not-canonical');
    expect(problem('/g?page=2&page=3', ['page'])).toBe('query-not-canonical');
    expect(problem('/g?page', ['page'])).toBe('query-not-canonical');
    expect(problem('/g?page=a/../../b', ['page'])).toBe('query-not-canonical');
    expect(problem('/g?page=2&&x', ['page'])).toBe('query-not-canonical');
  });

  it('canonicalQuery sorts by name and rejects what nginx could not look up verbatim', () => {
    expect(canonicalQuery('', null)).toBe('');
    expect(canonicalQuery('a=1&b=2', ['a', 'b'])).toBe('a=1&b=2');
    expect(canonicalQuery('b=2&a=1', ['a', 'b'])).toBe('query-not-canonical');
    expect(canonicalQuery('a=x+y', ['a'])).toBe('query-not-canonical');
  });
});
