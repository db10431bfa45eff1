import { describe, expect, it } from 'vitest';
import { canonicalPath, isUnder } from '../src/index.js';
import { PathTrie } from '../src/paths/PathTrie.js';
import { ancestorsOf } from '../src/paths/canonicalPath.js';

describe('paths', () => {
  it('spells equal paths one way: encoding, empty and dot segments, trailing slash', () => {
    expect(canonicalPath('/café')).toBe(canonicalPath('/caf%C3%A9'));
    expect(canonicalPath('/a/')).toBe('/a');
    expect(canonicalPath('//a///b')).toBe('/a/b');
    expect(canonicalPath('/a/./b/../c')).toBe('/a/c');
    expect(canonicalPath('/')).toBe('');
    expect(canonicalPath('/a%2Fb')).toBe('/a%2Fb');
    expect(canonicalPath('/bad%zz')).toBe('/bad%25zz');
    expect(canonicalPath('/plain-path_1.html')).toBe('/plain-path_1.html');
  });

  it('covers sub-paths segment-wise (SCM-9): /a covers /a and /a/b, not /ab; the root covers all', () => {
    expect(isUnder('/a', '/a')).toBe(true);
    expect(isUnder('/a/b', '/a')).toBe(true);
    expect(isUnder('/ab', '/a')).toBe(false);
    expect(isUnder('/a', '/a/b')).toBe(false);
    expect(isUnder('/anything', '')).toBe(true);
    expect(ancestorsOf('/a/b')).toEqual(['', '/a', '/a/b']);
    expect(ancestorsOf('')).toEqual(['']);
  });

  it('finds what is filed at and under a path and prunes empty nodes', () => {
    const trie = new PathTrie<string>();
    trie.add('/a', 'A');
    trie.add('/a/b', 'B');
    trie.add('/ab', 'AB');
    trie.add('', 'ROOT');
    expect(trie.under('/a').sort()).toEqual(['A', 'B']);
    expect(trie.under('').sort()).toEqual(['A', 'AB', 'B', 'ROOT']);
    expect(trie.at('/a')).toEqual(['A']);
    expect(trie.at('')).toEqual(['ROOT']);
    expect(trie.at('/a/c')).toEqual([]);
    trie.remove('/a/b', 'B');
    trie.remove('/a', 'A');
    expect(trie.under('/a')).toEqual([]);
    expect(trie.under('').sort()).toEqual(['AB', 'ROOT']);
  });
});
