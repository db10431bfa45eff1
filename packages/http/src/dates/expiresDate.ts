import { formatHttpDate } from './httpDate.js';

/** What the ancestors send to mean "already expired": ten years ago. */
export const EXPIRED_OFFSET_SECONDS = -3650 * 86_400;

let currentSecond = -1;
const bySecondOffset = new Map<number, string>();

/**
 * The HTTP date `offsetSeconds` from `nowMs`, memoized for the current second: formatting a date costs
 * more than the rest of a 304, and every response in one second shares the few offsets in use.
 */
export function httpDateFromNow(nowMs: number, offsetSeconds: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== currentSecond) {
    currentSecond = second;
    bySecondOffset.clear();
  }
  let text = bySecondOffset.get(offsetSeconds);
  if (text === undefined) {
    text = formatHttpDate((second + offsetSeconds) * 1000);
    if (bySecondOffset.size < 64) bySecondOffset.set(offsetSeconds, text);
  }
  return text;
}
