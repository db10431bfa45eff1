import type { Purger } from '@cacheset/purge';
import type { RawResponse } from './httpRequest.js';

/** Polls `check` until it returns true or `timeoutMs` passes; then throws with `what`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Waits until the purger has committed `units` units of work, then until everything sent so far is delivered. */
export async function deliveredAfterUnits(purger: Purger, units: number): Promise<void> {
  await waitUntil(`${units} committed unit(s) of work`, () => purger.statistics().unitsCommitted >= units);
  await purger.flush();
}

export function isHit(response: RawResponse): boolean {
  return response.headers['x-cache'] === 'HIT';
}

export function age(response: RawResponse): number {
  return Number(response.headers.age ?? '0');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
