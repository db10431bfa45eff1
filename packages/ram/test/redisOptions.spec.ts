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
