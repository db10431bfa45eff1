import { describe, expect, it } from 'vitest';
import { formatHttpDate, parseHttpDate } from '../src/index.js';
import { httpDateFromNow } from '../src/dates/expiresDate.js';
import { EXPIRED_OFFSET_SECONDS } from '../src/dates/expiresDate.js';

const NOV_24_2010 = Date.UTC(2010, 10, 24, 3, 4, 5);

describe('formatHttpDate', () => {
  it('formats an instant as an RFC 9110 IMF-fixdate in GMT (PAC-23)', () => {
    expect(formatHttpDate(NOV_24_2010)).toBe('Wed, 24 Nov 2010 03:04:05 GMT');
    expect(formatHttpDate(Date.UTC(1994, 10, 6, 8, 49, 37))).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
  });

  it('drops sub-second precision instead of rounding up', () => {
    expect(formatHttpDate(NOV_24_2010 + 999)).toBe('Wed, 24 Nov 2010 03:04:05 GMT');
  });

  it('round-trips through parseHttpDate at one-second granularity', () => {
    for (const ms of [0, NOV_24_2010, Date.UTC(2038, 0, 19, 3, 14, 8), Date.UTC(2000, 1, 29, 23, 59, 59)]) {
      expect(parseHttpDate(formatHttpDate(ms + 250))).toBe(ms);
    }
  });
});

describe('parseHttpDate', () => {
  const expected = Date.UTC(1994, 10, 6, 8, 49, 37);

  it('parses the three formats of RFC 9110 §5.6.7', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(expected);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(expected);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(expected);
  });

  it('reads RFC 850 two-digit years within 50 years of now, else in the previous century', () => {
    const thisYear = new Date().getUTCFullYear();
    const soon = String((thisYear + 10) % 100).padStart(2, '0');
    const far = String((thisYear + 60) % 100).padStart(2, '0');
    expect(new Date(parseHttpDate(`Monday, 01-Jan-${soon} 00:00:00 GMT`) ?? Number.NaN).getUTCFullYear()).toBe(
      thisYear + 10,
    );
    expect(new Date(parseHttpDate(`Monday, 01-Jan-${far} 00:00:00 GMT`) ?? Number.NaN).getUTCFullYear()).toBe(
      thisYear + 60 - 100,
    );
    expect(new Date(parseHttpDate('Wednesday, 24-Nov-10 03:04:05 GMT') ?? Number.NaN).getUTCFullYear()).toBe(2010);
  });

  it('tolerates surrounding quotes, as dateutil did (PAC-23)', () => {
    expect(parseHttpDate("'Tue, 23 Nov 2010 3:04:05 GMT'")).toBe(Date.UTC(2010, 10, 23, 3, 4, 5));
    expect(parseHttpDate('"Sun, 06 Nov 1994 08:49:37 GMT"')).toBe(expected);
    expect(parseHttpDate('  Sun, 06 Nov 1994 08:49:37 GMT  ')).toBe(expected);
  });

  it("ignores the '; length=' suffix old browsers append to If-Modified-Since", () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT; length=13774')).toBe(expected);
    expect(parseHttpDate(`Sun, 06 Nov 1994 08:49:37 GMT; length=${'9'.repeat(500)}`)).toBe(expected);
  });

  it('accepts month and day names in any case', () => {
    expect(parseHttpDate('sun, 06 NOV 1994 08:49:37 GMT')).toBe(expected);
  });

  it('treats a leap second as the last second of the minute', () => {
    expect(parseHttpDate('Sat, 31 Dec 2016 23:59:60 GMT')).toBe(Date.UTC(2016, 11, 31, 23, 59, 59));
  });

  it('returns undefined for garbage, never throwing', () => {
    for (const garbage of [
      undefined,
      '',
      ' ',
      'foo',
      '0',
      '-1',
      '1994-11-06T08:49:37Z',
      'Sun, 06 Nov 1994',
      '""',
      "'",
      'Sun, 06 Foo 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 08:49:37 PST',
      '\u0000\u0001',
      'Sun, 06 Nov 1994 08:49:37 GMT GMT',
    ]) {
      expect(parseHttpDate(garbage), JSON.stringify(garbage)).toBeUndefined();
    }
  });

  it('rejects impossible dates and times instead of rolling them over', () => {
    for (const impossible of [
      'Tue, 31 Feb 2026 10:00:00 GMT',
      'Thu, 29 Feb 2001 10:00:00 GMT',
      'Sun, 00 Nov 1994 08:49:37 GMT',
      'Sun, 32 Oct 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 24:00:00 GMT',
      'Sun, 06 Nov 1994 08:60:00 GMT',
      'Sun, 06 Nov 1994 08:49:61 GMT',
      'Sunday, 31-Apr-94 08:49:37 GMT',
      'Sun Feb 30 08:49:37 1994',
    ]) {
      expect(parseHttpDate(impossible), impossible).toBeUndefined();
    }
    expect(parseHttpDate('Tue, 29 Feb 2000 10:00:00 GMT')).toBe(Date.UTC(2000, 1, 29, 10, 0, 0));
  });

  it('reads four-digit years literally, even below 100 (Date.UTC would map 0050 to 1950)', () => {
    const parsed = parseHttpDate('Wed, 06 Nov 0050 08:49:37 GMT');
    expect(parsed).toBeDefined();
    expect(new Date(parsed ?? Number.NaN).getUTCFullYear()).toBe(50);
  });

  it('returns undefined for over-long input quickly', () => {
    const huge = `Sun, 06 Nov 1994 08:49:37 GMT${' '.repeat(100)}x`;
    expect(parseHttpDate(huge)).toBeUndefined();
    const started = performance.now();
    expect(parseHttpDate('S'.repeat(5_000_000))).toBeUndefined();
    expect(parseHttpDate(`${'1'.repeat(1_000_000)}:`)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('httpDateFromNow', () => {
  it('gives now + offset at one-second granularity, and ten years ago for the expired offset', () => {
    const now = NOV_24_2010 + 700;
    expect(httpDateFromNow(now, 60)).toBe('Wed, 24 Nov 2010 03:05:05 GMT');
    expect(httpDateFromNow(now, 0)).toBe('Wed, 24 Nov 2010 03:04:05 GMT');
    expect(EXPIRED_OFFSET_SECONDS).toBe(-3650 * 86_400);
    expect(httpDateFromNow(now, EXPIRED_OFFSET_SECONDS)).toBe(formatHttpDate(NOV_24_2010 - 3650 * 86_400_000));
  });

  it('does not serve a memo from another second, even when the clock goes backwards', () => {
    expect(httpDateFromNow(NOV_24_2010, 10)).toBe('Wed, 24 Nov 2010 03:04:15 GMT');
    expect(httpDateFromNow(NOV_24_2010 + 1000, 10)).toBe('Wed, 24 Nov 2010 03:04:16 GMT');
    expect(httpDateFromNow(NOV_24_2010, 10)).toBe('Wed, 24 Nov 2010 03:04:15 GMT');
  });

  it('stays correct beyond the memo size', () => {
    for (let offset = 0; offset < 200; offset += 1) {
      expect(httpDateFromNow(NOV_24_2010, offset)).toBe(formatHttpDate(NOV_24_2010 + offset * 1000));
    }
  });
});
