import { CachesetError } from '@cacheset/core';
import { describe, expect, it } from 'vitest';
import { RamCacheManager } from '../src/index.js';
import { resolveRedisOptions } from '../src/shared/resolveRedisOptions.js';

/** The error a manager with this `redis.url` is refused with (thrown before any connection is tried). */
function refusal(url: unknown): CachesetError {
  try {
    new RamCacheManager({ bus: false, redis: { url } } as never);
  } catch (error) {
    if (CachesetError.is(error)) return error;
    throw error;
  }
  throw new Error(`redis.url ${JSON.stringify(url)} was accepted`);
}

describe('the redis.url option', () => {
  it('refuses a URL with one slash after the scheme, which ioredis would read as a socket path', () => {
    const error = refusal('redis:/127.0.0.1:6379');
    expect(error.code).toBe('ERR_CACHESET_RAM_INVALID_OPTIONS');
    expect(error.message).toContain('redis.url');
    expect(error.message).toContain('"redis:/127.0.0.1:6379"');
    expect(error.message).toContain('redis://host:port');
  });

  it('refuses every other malformed form, naming the value and the expected form', () => {
    for (const url of [
      'redis:127.0.0.1:6379',
      'rediss:/cache.internal:6380',
      'redis://',
      'redis://:6379',
      'redis:///0',
      'redis://127.0.0.1:6379/cache',
      'redis://127.0.0.1:6379/0/1',
      'redis://127.0.0.1:6379/0#x',
      'redis://127.0.0.1:99999',
      '127.0.0.1:6379',
      'http://127.0.0.1:6379',
      '',
      42,
    ]) {
      const error = refusal(url);
      expect(error.code, String(url)).toBe('ERR_CACHESET_RAM_INVALID_OPTIONS');
      expect(error.message, String(url)).toContain(typeof url === 'string' ? JSON.stringify(url) : String(url));
      expect(error.message, String(url)).toContain('redis://host:port');
    }
  });

  it('accepts the forms ioredis documents, unchanged', () => {
    for (const url of [
      'redis://127.0.0.1:6379',
      'redis://127.0.0.1',
      'redis://cache.internal:6379/2',
      'redis://cache.internal:6379/',
      'rediss://user:secret@cache.internal:6380/0',
      'redis://:secret@localhost:6379',
      'redis://[::1]:6379',
      'redis://127.0.0.1:6379?family=4',
      'REDIS://LOCALHOST:6379',
    ]) {
      expect(resolveRedisOptions({ url }).url, url).toBe(url);
    }
  });
});

describe('the redis.nodes option (a Redis Cluster)', () => {
  it('reads the seed nodes and hash-tags the prefix, so one site’s keys share a slot', () => {
    const resolved = resolveRedisOptions({ nodes: ['redis://10.0.0.1:7000', 'redis://10.0.0.2'], prefix: 'site:' });
    expect(resolved).toMatchObject({
      url: undefined,
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 6379 },
      ],
      prefix: 'site:',
      keyPrefix: '{site:}',
    });
    // A prefix with its own hash tag is kept as it is; one Redis keeps the plain prefix.
    expect(resolveRedisOptions({ nodes: ['redis://a:1'], prefix: '{s}:x:' }).keyPrefix).toBe('{s}:x:');
    expect(resolveRedisOptions({ url: 'redis://a:1', prefix: 'site:' }).keyPrefix).toBe('site:');
  });

  it('refuses an empty list, a bad node, and nodes together with url, naming the option', () => {
    for (const [options, text] of [
      [{ nodes: [] }, 'redis.nodes'],
      [{ nodes: 'redis://a:1' }, 'redis.nodes'],
      [{ nodes: ['redis://a:1', 'http://b:2'] }, 'redis.nodes[1]'],
      [{ nodes: ['redis://a:1'], url: 'redis://a:1' }, 'not both'],
    ] as const) {
      let caught: unknown;
      try {
        resolveRedisOptions(options as never);
      } catch (error) {
        caught = error;
      }
      expect(CachesetError.is(caught) && caught.code).toBe('ERR_CACHESET_RAM_INVALID_OPTIONS');
      expect((caught as Error).message).toContain(text);
    }
  });
});
