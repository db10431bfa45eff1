import { annotationKey } from '../exchange/AnnotationKey.js';
import type { CacheExchange } from '../exchange/CacheExchange.js';
import type { FillAbandonReason } from './AbandonReason.js';
import type { ResponseCacheFill } from './ResponseCache.js';

/** A response-cache fill an exchange holds until its response is stored or abandoned. */
export interface HeldFill {
  readonly fill: ResponseCacheFill;
}

const heldFillKey = annotationKey<HeldFill>('cacheset.core.heldFill');

/**
 * Keeps `held` on the exchange until it is settled: the operation that looked the request up holds
 * it, and whoever settles it first takes it (`takeHeldFill`), so that a fill is stored or abandoned
 * exactly once whatever the order of chained operations, captures and the session's clean-up.
 */
export function holdFill(exchange: CacheExchange, held: HeldFill): void {
  heldFillKey.set(exchange, held);
}

/** The fill the exchange holds, if any (still held: nobody took it). */
export function heldFill(exchange: CacheExchange): HeldFill | undefined {
  return heldFillKey.get(exchange);
}

/** Takes the held fill for settling: `expected` only (when given), else whichever is held. */
export function takeHeldFill(exchange: CacheExchange, expected?: HeldFill): HeldFill | undefined {
  const current = heldFillKey.get(exchange);
  if (current === undefined || (expected !== undefined && current !== expected)) return undefined;
  heldFillKey.delete(exchange);
  return current;
}

/**
 * Abandons the fill the exchange still holds (the session does when a response ends without storing
 * it): requests waiting for the same key then render for themselves.
 */
export function abandonHeldFill(exchange: CacheExchange, reason: FillAbandonReason): void {
  takeHeldFill(exchange)?.fill.abandon(reason);
}
