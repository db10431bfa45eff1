/**
 * Why a capture of a finished response was abandoned (`ResponseCapture.abandon`): the body was larger
 * than the capture's limit, the response did not complete (the client went away, the socket failed),
 * or it was streamed where it cannot be copied.
 */
export type CaptureAbandonReason = 'too-large' | 'client-gone' | 'streamed';

/**
 * Why a response-cache fill was abandoned (`ResponseCacheFill.abandon`): a code, so that a store
 * decides by it (whether waiting requests keep waiting for each other), never by prose.
 *
 * Says nothing about the page itself (a store may keep coalescing after these):
 * - `too-large`, `client-gone`, `streamed`: what a capture reports;
 * - `head`: a HEAD request has no body to store;
 * - `not-stored`: the response finished and nothing stored it;
 * - `server-error`: a 5xx, which the next rendering may not repeat.
 *
 * The page is not storable by nature (a store may stop making requests wait for it):
 * - `uncacheable-status`: another status than 200 (a 404, a redirect);
 * - `answered`: a validator answered the request (a 304 or a 412) before it rendered;
 * - `not-cacheable`: an unsafe method, or a cache-stop variable;
 * - `sets-cookie`, `private` (private or no-store, by the application), `vary-star`,
 *   `unkeyed-vary` (a Vary on a header the key does not include), `empty-body`.
 */
export type FillAbandonReason =
  | CaptureAbandonReason
  | 'head'
  | 'not-stored'
  | 'server-error'
  | 'uncacheable-status'
  | 'answered'
  | 'not-cacheable'
  | 'sets-cookie'
  | 'private'
  | 'vary-star'
  | 'unkeyed-vary'
  | 'empty-body';

/** The abandon reason of a response with this status, when its status is why it is not stored. */
export function statusAbandonReason(status: number): FillAbandonReason {
  return status >= 500 ? 'server-error' : 'uncacheable-status';
}
