import type { CacheExchange } from '@cacheset/core';

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
  abandon(reason: 'too-large' | 'aborted' | 'streamed' | string): void;
}

const capturesKey = Symbol('cacheset.http.captures');

/**
 * Asks the server adapter to buffer this exchange's response body and hand it over when the response
 * is finished. Call it from an operation's `modify`: adapters read the requests right after modify,
 * before the first byte of the body, and buffer only when somebody asked.
 */
export function requestCapture(exchange: CacheExchange, capture: ResponseCapture): void {
  const list = exchange.annotations.get(capturesKey) as ResponseCapture[] | undefined;
  if (list === undefined) exchange.annotations.set(capturesKey, [capture]);
  else list.push(capture);
}

/** The captures requested for an exchange (for server adapters). */
export function requestedCaptures(exchange: CacheExchange): readonly ResponseCapture[] {
  return (exchange.annotations.get(capturesKey) as ResponseCapture[] | undefined) ?? [];
}

/**
 * Delivers a finished response to every requested capture (for server adapters), or abandons them
 * all with `reason` when `body` is undefined. A throwing capture does not stop the others.
 */
export function settleCaptures(
  exchange: CacheExchange,
  response: { status: number; headers: readonly (readonly [string, string])[]; body: Uint8Array | undefined },
  reason = 'aborted',
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
  exchange.annotations.delete(capturesKey);
}
