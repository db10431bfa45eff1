import { formatHttpDate } from './httpDate.js';

/**
 * The HTTP date of a Last-Modified, memoized: the same few modification times are formatted on every
 * request for the same content, and formatting a date costs more than the rest of the header logic.
 */
const memo = new Map<number, string>();
const MAX_ENTRIES = 1024;

export function lastModifiedText(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  let text = memo.get(second);
  if (text === undefined) {
    text = formatHttpDate(second * 1000);
    // A simple bound: a site with more distinct times than this just formats again.
    if (memo.size >= MAX_ENTRIES) memo.clear();
    memo.set(second, text);
  }
  return text;
}
