import type { ResolvedRetry } from '../config/resolveOptions.js';

/**
 * The wait before the next attempt after `failedAttempts` failures: exponential
 * (`initialDelayMs · multiplier^(n-1)`, at most `maxDelayMs`), of which the `jitter` share is random.
 * plone.cachepurging retried at once with no delay, which hammers a proxy that is restarting and
 * gives up before it is back.
 */
export function backoffDelay(retry: ResolvedRetry, failedAttempts: number, random: () => number = Math.random): number {
  const exponential = Math.min(
    retry.maxDelayMs,
    retry.initialDelayMs * retry.multiplier ** Math.max(0, failedAttempts - 1),
  );
  return Math.round(exponential * (1 - retry.jitter) + random() * exponential * retry.jitter);
}

/** The longest time from the first attempt to the last one (no jitter): the retry window to document. */
export function retryWindowMs(retry: ResolvedRetry): number {
  let total = 0;
  for (let n = 1; n < retry.attempts; n += 1)
    total += Math.min(retry.maxDelayMs, retry.initialDelayMs * retry.multiplier ** (n - 1));
  return total;
}
