import type { CachesetLogger } from '@cacheset/core';
import { afterEach } from 'vitest';
import { RamCacheManager, type RamCacheOptions } from '../../src/index.js';
import {
  type ResponseCacheFill,
  type ResponseCacheLookup,
  type StoredResponse,
  type StoredResponseInfo,
} from '@cacheset/core';

/** A 200 response as the HTTP layer hands it to the store. */
export function response(
  body: string | Uint8Array,
  headers: readonly (readonly [string, string])[] = [['content-type', 'text/html']],
  status = 200,
  storedAt = Date.now(),
): StoredResponse {
  return { status, headers, body: typeof body === 'string' ? new TextEncoder().encode(body) : body, storedAt };
}

export function info(
  key: string,
  path: string,
  surrogateKeys: readonly string[] = [],
  ruleset = 'site.page',
): StoredResponseInfo {
  return { key, path, ruleset, surrogateKeys };
}

export function text(lookup: ResponseCacheLookup): string | undefined {
  return lookup.response === undefined ? undefined : new TextDecoder().decode(lookup.response.body);
}

/** The fill of a miss, failing the test when the lookup was not a miss. */
export function fillOf(lookup: ResponseCacheLookup): ResponseCacheFill {
  if (lookup.fill === undefined)
    throw new Error(
      `expected a miss with a fill, got ${JSON.stringify({ hit: lookup.response !== undefined, fill: false })}`,
    );
  return lookup.fill;
}

/** A logger that records what it is told. */
export function recordingLogger(): CachesetLogger & { readonly lines: { level: 'warn' | 'error'; message: string }[] } {
  const lines: { level: 'warn' | 'error'; message: string }[] = [];
  return {
    lines,
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A controllable clock that starts at a realistic epoch (lru-cache treats a start time of 0 as "no TTL"). */
export function manualClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}

/**
 * A factory of managers for one test file: local (no bus), logging into a recording logger unless
 * told otherwise, and all closed after each test so that no timer or subscription outlives it.
 */
export function managersClosedAfterEach(): (options?: RamCacheOptions) => RamCacheManager {
  const managers: RamCacheManager[] = [];
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.close()));
  });
  return (options = {}) => {
    const m = new RamCacheManager({ bus: false, logger: recordingLogger(), ...options });
    managers.push(m);
    return m;
  };
}
