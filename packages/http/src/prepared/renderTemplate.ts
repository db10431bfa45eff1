import { httpDateFromNow } from '../dates/expiresDate.js';
import type { HeaderReader, HeaderSnapshot, HeaderValue } from '../node/headerSnapshot.js';

/**
 * Headers a handler may set on a prepared render: the standard operations neither read nor write
 * them, so the caching headers of the page are the same whatever their values. Any other header the
 * handler sets (a cookie, Cache-Control, Vary, its own ETag...) sends the response the engine's way.
 */
export const INERT_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'content-language',
  'content-disposition',
  'content-security-policy',
  'link',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-frame-options',
  'x-powered-by',
]);

function sameValue(a: HeaderValue | undefined, b: HeaderValue | undefined): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((line, i) => line === b[i]);
}

/**
 * The headers of a rendered page as the engine left them, around what the handler set: `before` is
 * what intercept put on the response before the handler ran, `inert` the handler's own headers
 * (their values are taken from each response), and `final` every header in the engine's order
 * once modify was done. Replaying it on a response whose handler set exactly the `inert` headers,
 * in that order, gives the engine's headers in the engine's order.
 */
export interface RenderTemplate {
  readonly before: readonly (readonly [string, HeaderValue])[];
  /** The names in `before`, lower-case. */
  readonly beforeKeys: readonly string[];
  readonly inert: readonly string[];
  /**
   * `[name, value, ...]`, with `undefined` for the handler's inert headers and for Expires (both
   * filled per response).
   */
  readonly final: readonly (HeaderValue | undefined)[];
  /** The lower-case name of each header in `final`. */
  readonly finalKeys: readonly string[];
  /** Where the handler's inert headers are in `final` (value indexes). */
  readonly inertAt: readonly number[];
  /** Where Expires is in `final` (-1: nowhere) and its offset from now in seconds. */
  readonly expiresAt: number;
  readonly expiresOffset: number;
}

/** The offset in seconds of `value` from `nowMs`, when it is "now plus an offset" formatted; else undefined. */
function expiresOffsetOf(value: HeaderValue | undefined, nowMs: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const offset = Math.round((Date.parse(value) - Math.floor(nowMs / 1000) * 1000) / 1000);
  // Formatting it again must give the same text, or it is not "now plus an offset".
  return Number.isFinite(offset) && httpDateFromNow(nowMs, offset) === value ? offset : undefined;
}

/**
 * The template of a render the engine just answered: `released` is what intercept put on the
 * response before the handler ran, `beforeModify` and `afterModify` the response's headers around
 * modify. Undefined when the render does not fit one (the handler set other headers, or changed one
 * intercept set; Expires is not recognisable as "now plus an offset").
 */
export function learnRenderTemplate(
  released: HeaderSnapshot,
  beforeModify: HeaderSnapshot,
  afterModify: HeaderSnapshot,
  nowMs: number,
): RenderTemplate | undefined {
  const n = released.keys.length;
  const m = beforeModify.keys.length;
  if (m < n || afterModify.keys.length < m) return undefined;
  for (let i = 0; i < n; i += 1)
    if (beforeModify.keys[i] !== released.keys[i] || !sameValue(beforeModify.values[i], released.values[i]))
      return undefined;
  const inert = beforeModify.keys.slice(n);
  if (!inert.every((key) => INERT_HEADERS.has(key))) return undefined;
  for (let i = 0; i < m; i += 1) if (afterModify.keys[i] !== beforeModify.keys[i]) return undefined;
  // Modify leaves the handler's own headers alone (they are inert); if it did not, do not guess.
  for (let i = n; i < m; i += 1) if (!sameValue(afterModify.values[i], beforeModify.values[i])) return undefined;
  // Intercept's headers are set before the handler runs, with their values then: none may move with the clock.
  if (released.keys.includes('expires')) return undefined;
  const final: (HeaderValue | undefined)[] = [];
  const inertAt: number[] = [];
  let expiresAt = -1;
  let expiresOffset = 0;
  for (let i = 0; i < afterModify.keys.length; i += 1) {
    const value = afterModify.values[i];
    final.push(afterModify.names[i] as string, value);
    if (i >= n && i < m) {
      inertAt.push(final.length - 1);
      final[final.length - 1] = undefined;
    } else if (afterModify.keys[i] === 'expires') {
      const offset = expiresOffsetOf(value, nowMs);
      if (offset === undefined) return undefined;
      expiresAt = final.length - 1;
      expiresOffset = offset;
      final[expiresAt] = undefined;
    }
  }
  const before = Array.from(
    { length: n },
    (_, i) => [released.names[i] as string, released.values[i] as HeaderValue] as const,
  );
  return {
    before,
    beforeKeys: released.keys.slice(0, n),
    inert,
    final,
    finalKeys: afterModify.keys.slice(),
    inertAt,
    expiresAt,
    expiresOffset,
  };
}

/**
 * Whether the handler's headers on `res` fit `template`: the headers set before it ran are there
 * unchanged, in their place, followed by exactly the template's inert headers in the same order.
 */
export function fitsTemplate(res: HeaderReader, template: RenderTemplate): boolean {
  const keys = res.getHeaderNames();
  const { before, beforeKeys, inert } = template;
  if (keys.length !== before.length + inert.length) return false;
  for (let i = 0; i < before.length; i += 1) {
    const key = keys[i] as string;
    if (key !== beforeKeys[i] || !sameValue(res.getHeader(key), (before[i] as readonly [string, HeaderValue])[1]))
      return false;
  }
  for (let i = 0; i < inert.length; i += 1) if (keys[before.length + i] !== inert[i]) return false;
  return true;
}
