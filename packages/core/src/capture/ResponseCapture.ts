import { annotationKey } from '../exchange/AnnotationKey.js';
import type { CacheExchange } from '../exchange/CacheExchange.js';
import type { CaptureAbandonReason } from '../responseCache/AbandonReason.js';

/** A finished response, as the client received it. */
export interface CapturedResponse {
  readonly status: number;
  /** Lower-case header names, as sent. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array;
}

/**
 * A request to see the finished response of an exchange (to store it in RAM, or dump it to disk).
 * Exactly one of `complete` and `abandon` is called, after the response finished or failed.
 */
export interface ResponseCapture {
  /** Bodies larger than this are not buffered; `abandon('too-large')` is called instead. */
  readonly maxBytes: number;
  complete(response: CapturedResponse): void;
  abandon(reason: CaptureAbandonReason): void;
}

const capturesKey = annotationKey<ResponseCapture[]>('cacheset.core.captures');

/**
 * Asks the caching session to buffer this exchange's response body and hand it over when the
 * response is finished. Call it from an operation's `modify`: the session reads the requests right
 * after modify, before the first byte of the body, and the server adapter buffers only when somebody
 * asked.
 */
export function requestCapture(exchange: CacheExchange, capture: ResponseCapture): void {
  const list = capturesKey.get(exchange);
  if (list === undefined) capturesKey.set(exchange, [capture]);
  else list.push(capture);
}

/** The captures requested for an exchange (for the caching session). */
export function requestedCaptures(exchange: CacheExchange): readonly ResponseCapture[] {
  return capturesKey.get(exchange) ?? [];
}

/**
 * Delivers a finished response to every requested capture (for the caching session), or abandons
 * them all with `reason` when `body` is undefined. A throwing capture does not stop the others.
 */
export function settleCaptures(
  exchange: CacheExchange,
  response: { status: number; headers: readonly (readonly [string, string])[]; body: Uint8Array | undefined },
  reason: CaptureAbandonReason = 'client-gone',
  onError?: (error: unknown) => void,
): void {
  for (const capture of requestedCaptures(exchange)) {
    try {
      if (response.body === undefined) capture.abandon(reason);
      else if (response.body.byteLength > capture.maxBytes) capture.abandon('too-large');
      else capture.complete({ status: response.status, headers: response.headers, body: response.body });
    } catch (error) {
      onError?.(error);
    }
  }
  capturesKey.delete(exchange);
}
