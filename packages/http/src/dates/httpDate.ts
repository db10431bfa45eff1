const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const MONTH_INDEX: ReadonlyMap<string, number> = new Map(MONTHS.map((m, i) => [m.toLowerCase(), i]));

/** RFC 9110 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`, from epoch milliseconds (sub-second dropped). */
export function formatHttpDate(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toUTCString();
}

// IMF-fixdate:  Sun, 06 Nov 1994 08:49:37 GMT
const IMF =
  /^(?:[A-Za-z]{3}),\s*(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})\s*(?:GMT|UTC|\+0000|Z)?$/;
// RFC 850:      Sunday, 06-Nov-94 08:49:37 GMT
const RFC850 = /^(?:[A-Za-z]+),\s*(\d{1,2})-([A-Za-z]{3})-(\d{2,4})\s+(\d{1,2}):(\d{2}):(\d{2})\s*(?:GMT|UTC)?$/;
// asctime:      Sun Nov  6 08:49:37 1994
const ASCTIME = /^(?:[A-Za-z]{3})\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})$/;

/** More than any real date header; longer input is garbage by definition and is not scanned. */
const MAX_LENGTH = 64;

/**
 * Epoch milliseconds from an HTTP date in any of RFC 9110's three formats (IMF-fixdate, RFC 850,
 * asctime), tolerating surrounding quotes and whitespace and the `; length=...` suffix old browsers
 * append to If-Modified-Since. All three are GMT. Anything else, including impossible dates
 * (31 Feb), gives undefined: a bad date is ignored, never an error.
 */
export function parseHttpDate(text: string | undefined): number | undefined {
  if (text === undefined || text.length === 0) return undefined;
  // Only the part before a ';' counts; when none appears early, a long value is garbage as a whole
  // (cutting it short could turn "<date>   x" into a valid date).
  const scanLimit = MAX_LENGTH * 2;
  const head = text.length > scanLimit ? text.slice(0, scanLimit + 1) : text;
  const semicolon = head.indexOf(';');
  if (semicolon < 0 && text.length > scanLimit) return undefined;
  let value = (semicolon >= 0 ? head.slice(0, semicolon) : head).trim();
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0])
    value = value.slice(1, -1).trim();
  if (value.length === 0 || value.length > MAX_LENGTH) return undefined;
  let day: string | undefined;
  let month: string | undefined;
  let year: string | undefined;
  let hour: string | undefined;
  let minute: string | undefined;
  let second: string | undefined;
  let match = IMF.exec(value);
  if (match !== null) [, day, month, year, hour, minute, second] = match;
  else if ((match = RFC850.exec(value)) !== null) [, day, month, year, hour, minute, second] = match;
  else if ((match = ASCTIME.exec(value)) !== null) [, month, day, hour, minute, second, year] = match;
  else return undefined;
  const monthIndex = MONTH_INDEX.get((month ?? '').toLowerCase());
  if (monthIndex === undefined) return undefined;
  let fullYear = Number(year);
  // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future means the previous century.
  if ((year ?? '').length === 2) {
    const now = new Date().getUTCFullYear();
    fullYear += 2000;
    if (fullYear > now + 50) fullYear -= 100;
  }
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (h > 23 || mi > 59 || s > 60) return undefined;
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  const check = new Date(0);
  check.setUTCFullYear(fullYear, monthIndex, d);
  check.setUTCHours(h, mi, Math.min(s, 59), 0);
  if (check.getUTCFullYear() !== fullYear || check.getUTCDate() !== d || check.getUTCMonth() !== monthIndex)
    return undefined;
  return check.getTime();
}
