import { describe, expect, it } from 'vitest';
import { formatHttpDate } from '../src/index.js';
import { evaluatePreconditions, type PreconditionResult } from '../src/validators/evaluatePreconditions.js';

const LM = Date.UTC(2026, 2, 9, 12, 0, 0) + 500; // sub-second part: HTTP dates have whole seconds
const SAME = formatHttpDate(LM);
const LATER = formatHttpDate(LM + 60_000);
const EARLIER_1S = formatHttpDate(LM - 1000);
const EARLIER = formatHttpDate(LM - 86_400_000);

interface Case {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly etag?: string | undefined;
  readonly weakETag?: boolean;
  readonly lastModified?: number | undefined;
}

function evaluate(c: Case): PreconditionResult {
  const headers = new Map(Object.entries(c.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return evaluatePreconditions({
    method: c.method ?? 'GET',
    header: (name) => headers.get(name),
    etag: c.etag,
    weakETag: c.weakETag ?? false,
    lastModified: c.lastModified,
  });
}

const outcome = (c: Case): PreconditionResult['outcome'] => evaluate(c).outcome;

describe('evaluatePreconditions', () => {
  describe('If-None-Match and If-Modified-Since (PAC-8, RFC 9110 §13.2.2)', () => {
    it.each<[string, Case, PreconditionResult['outcome']]>([
      ['etag, no validators sent', { etag: '|a' }, 'proceed'],
      ['etag, INM matches', { etag: '|a', headers: { 'If-None-Match': '"|a"' } }, 'not-modified'],
      ['etag, INM does not match', { etag: '|a', headers: { 'If-None-Match': '"|b"' } }, 'proceed'],
      [
        'etag, INM lists the tag among others',
        { etag: '|a', headers: { 'If-None-Match': '"x", "|a", "y"' } },
        'not-modified',
      ],
      ['etag, INM unquoted (lazy client)', { etag: '|a', headers: { 'If-None-Match': '|a' } }, 'not-modified'],
      [
        'etag + lm, INM matches, IMS fresh',
        { etag: '|a', lastModified: LM, headers: { 'If-None-Match': '"|a"', 'If-Modified-Since': SAME } },
        'not-modified',
      ],
      [
        'etag + lm, INM matches, no IMS',
        { etag: '|a', lastModified: LM, headers: { 'If-None-Match': '"|a"' } },
        'not-modified',
      ],
      ['lm only, IMS fresh', { lastModified: LM, headers: { 'If-Modified-Since': SAME } }, 'not-modified'],
      ['lm only, IMS later than lm', { lastModified: LM, headers: { 'If-Modified-Since': LATER } }, 'not-modified'],
      [
        'lm only, IMS in RFC 850 form',
        { lastModified: LM, headers: { 'If-Modified-Since': 'Monday, 09-Mar-26 12:00:00 GMT' } },
        'not-modified',
      ],
      [
        'lm only, IMS with ; length=',
        { lastModified: LM, headers: { 'If-Modified-Since': `${SAME}; length=1234` } },
        'not-modified',
      ],
      ['lm only, IMS garbage', { lastModified: LM, headers: { 'If-Modified-Since': 'yesterday' } }, 'proceed'],
      [
        'lm only, IMS impossible date',
        { lastModified: LM, headers: { 'If-Modified-Since': 'Tue, 31 Feb 2026 12:00:00 GMT' } },
        'proceed',
      ],
      ['lm only, IMS older', { lastModified: LM, headers: { 'If-Modified-Since': EARLIER } }, 'proceed'],
      [
        'lm only, any INM (a site that dropped ETags ignores it)',
        { lastModified: LM, headers: { 'If-None-Match': '"|a"', 'If-Modified-Since': SAME } },
        'proceed',
      ],
      ['etag, INM *', { etag: '|a', headers: { 'If-None-Match': '*' } }, 'not-modified'],
      ['lm only, INM * (the resource exists)', { lastModified: LM, headers: { 'If-None-Match': '*' } }, 'not-modified'],
      ['etag, INM weak tag (weak comparison)', { etag: '|a', headers: { 'If-None-Match': 'W/"|a"' } }, 'not-modified'],
      [
        'weak etag, INM strong form of it',
        { etag: '|a', weakETag: true, headers: { 'If-None-Match': '"|a"' } },
        'not-modified',
      ],
      [
        'HEAD is answered like GET',
        { method: 'HEAD', etag: '|a', headers: { 'If-None-Match': '"|a"' } },
        'not-modified',
      ],
    ])('%s', (_name, c, expected) => {
      expect(outcome(c)).toBe(expected);
    });

    it('lets If-None-Match beat If-Modified-Since: a stale IMS with a matching INM is a 304 (the ancestors said 200)', () => {
      expect(
        outcome({ etag: '|a', lastModified: LM, headers: { 'If-None-Match': '"|a"', 'If-Modified-Since': EARLIER } }),
      ).toBe('not-modified');
    });

    it('lets If-None-Match beat If-Modified-Since: a fresh IMS with a mismatched INM is a 200', () => {
      expect(
        outcome({ etag: '|a', lastModified: LM, headers: { 'If-None-Match': '"|old"', 'If-Modified-Since': SAME } }),
      ).toBe('proceed');
    });

    it('answers a fresh IMS without INM with a 304 even when an ETag is configured (RFC 9110; the ancestors said 200)', () => {
      expect(outcome({ etag: '|a', lastModified: LM, headers: { 'If-Modified-Since': SAME } })).toBe('not-modified');
    });

    it('never answers 304 for an empty or garbage If-None-Match (the ancestors’ empty-header quirk is fixed)', () => {
      for (const value of ['', ' ', ',', '""', '"', 'W/', 'garbage', '"|a', "'|a'"]) {
        expect(outcome({ etag: '|a', headers: { 'If-None-Match': value } }), JSON.stringify(value)).toBe('proceed');
      }
    });

    it('needs a known Last-Modified for If-Modified-Since: an ETag alone never answers it (the ancestors’ quirk is fixed)', () => {
      expect(outcome({ etag: '|a', headers: { 'If-Modified-Since': SAME } })).toBe('proceed');
      expect(outcome({ etag: '|a', headers: { 'If-Modified-Since': LATER } })).toBe('proceed');
    });

    it('compares dates at one-second granularity: a Last-Modified later within the same second is not modified, a second later is', () => {
      expect(outcome({ lastModified: LM + 499, headers: { 'If-Modified-Since': SAME } })).toBe('not-modified');
      expect(outcome({ lastModified: LM + 1000, headers: { 'If-Modified-Since': SAME } })).toBe('proceed');
      expect(outcome({ lastModified: LM, headers: { 'If-Modified-Since': EARLIER_1S } })).toBe('proceed');
    });

    it('ignores If-Modified-Since for methods other than GET and HEAD', () => {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        expect(outcome({ method, lastModified: LM, headers: { 'If-Modified-Since': SAME } }), method).toBe('proceed');
      }
    });

    it('answers a matching If-None-Match on an unsafe method with 412', () => {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        expect(outcome({ method, etag: '|a', headers: { 'If-None-Match': '"|a"' } }), method).toBe(
          'precondition-failed',
        );
      }
      expect(outcome({ method: 'PUT', etag: '|a', headers: { 'If-None-Match': '*' } })).toBe('precondition-failed');
      expect(outcome({ method: 'POST', etag: '|a', headers: { 'If-None-Match': '"|b"' } })).toBe('proceed');
    });

    it('proceeds when the server has no validators at all', () => {
      expect(outcome({ headers: { 'If-None-Match': '*', 'If-Modified-Since': SAME } })).toBe('proceed');
    });
  });

  describe('If-Match and If-Unmodified-Since', () => {
    it.each<[string, Case, PreconditionResult['outcome']]>([
      ['If-Match matches', { method: 'PUT', etag: '|a', headers: { 'If-Match': '"|a"' } }, 'proceed'],
      ['If-Match lists the tag', { method: 'PUT', etag: '|a', headers: { 'If-Match': '"x", "|a"' } }, 'proceed'],
      ['If-Match mismatches', { method: 'PUT', etag: '|a', headers: { 'If-Match': '"|b"' } }, 'precondition-failed'],
      [
        'If-Match with a weak tag (strong comparison)',
        { method: 'PUT', etag: '|a', headers: { 'If-Match': 'W/"|a"' } },
        'precondition-failed',
      ],
      [
        'If-Match against a weak ETag',
        { method: 'PUT', etag: '|a', weakETag: true, headers: { 'If-Match': '"|a"' } },
        'precondition-failed',
      ],
      ['If-Match * on an existing resource', { method: 'PUT', etag: '|a', headers: { 'If-Match': '*' } }, 'proceed'],
      [
        'If-Match without a server ETag',
        { method: 'PUT', lastModified: LM, headers: { 'If-Match': '"|a"' } },
        'precondition-failed',
      ],
      ['If-Match garbage', { method: 'PUT', etag: '|a', headers: { 'If-Match': '' } }, 'precondition-failed'],
      ['If-Match mismatch on GET', { etag: '|a', headers: { 'If-Match': '"|b"' } }, 'precondition-failed'],
      [
        'If-Unmodified-Since older than lm',
        { method: 'PUT', lastModified: LM, headers: { 'If-Unmodified-Since': EARLIER } },
        'precondition-failed',
      ],
      [
        'If-Unmodified-Since equal to lm (same second)',
        { method: 'PUT', lastModified: LM, headers: { 'If-Unmodified-Since': SAME } },
        'proceed',
      ],
      [
        'If-Unmodified-Since later than lm',
        { method: 'DELETE', lastModified: LM, headers: { 'If-Unmodified-Since': LATER } },
        'proceed',
      ],
      [
        'If-Unmodified-Since garbage is ignored',
        { method: 'PUT', lastModified: LM, headers: { 'If-Unmodified-Since': 'never' } },
        'proceed',
      ],
      [
        'If-Unmodified-Since without a known lm is ignored',
        { method: 'PUT', etag: '|a', headers: { 'If-Unmodified-Since': EARLIER } },
        'proceed',
      ],
      [
        'If-Match passing overrides a failing If-Unmodified-Since',
        {
          method: 'PUT',
          etag: '|a',
          lastModified: LM,
          headers: { 'If-Match': '"|a"', 'If-Unmodified-Since': EARLIER },
        },
        'proceed',
      ],
      [
        'If-Match passes, then If-None-Match matches on GET',
        { etag: '|a', headers: { 'If-Match': '"|a"', 'If-None-Match': '"|a"' } },
        'not-modified',
      ],
      [
        'If-Match fails before If-None-Match is looked at',
        { etag: '|a', headers: { 'If-Match': '"|b"', 'If-None-Match': '"|a"' } },
        'precondition-failed',
      ],
    ])('%s', (_name, c, expected) => {
      expect(outcome(c)).toBe(expected);
    });
  });

  describe('If-Range (PAC-15 adapted)', () => {
    const ranged = (ifRange: string | undefined, c: Case = {}): PreconditionResult =>
      evaluate({
        etag: '|a',
        lastModified: LM,
        ...c,
        headers: { Range: 'bytes=0-99', ...(ifRange === undefined ? {} : { 'If-Range': ifRange }), ...c.headers },
      });

    it('keeps the Range for a matching strong ETag', () => {
      expect(ranged('"|a"')).toEqual({ outcome: 'proceed', ignoreRange: false });
    });

    it('ignores the Range for a mismatched ETag', () => {
      expect(ranged('"|old"')).toEqual({ outcome: 'proceed', ignoreRange: true });
    });

    it('ignores the Range for a weak validator or a weak ETag: If-Range needs a strong one', () => {
      expect(ranged('W/"|a"').ignoreRange).toBe(true);
      expect(ranged('"|a"', { weakETag: true }).ignoreRange).toBe(true);
    });

    it('keeps the Range for the exact Last-Modified date and ignores it for any other (the ancestors allowed 1 s)', () => {
      expect(ranged(SAME).ignoreRange).toBe(false);
      expect(ranged(EARLIER_1S).ignoreRange).toBe(true);
      expect(ranged(LATER).ignoreRange).toBe(true);
    });

    it('ignores the Range when the date cannot be checked: no Last-Modified, or garbage', () => {
      expect(ranged(SAME, { lastModified: undefined }).ignoreRange).toBe(true);
      expect(ranged('garbage').ignoreRange).toBe(true);
      expect(ranged('').ignoreRange).toBe(true);
    });

    it('ignores the Range for an ETag validator when the server has no ETag', () => {
      expect(ranged('"|a"', { etag: undefined }).ignoreRange).toBe(true);
    });

    it('does nothing without If-Range, without Range, or for methods other than GET', () => {
      expect(ranged(undefined).ignoreRange).toBe(false);
      expect(evaluate({ etag: '|a', headers: { 'If-Range': '"|old"' } }).ignoreRange).toBe(false);
      expect(ranged('"|old"', { method: 'HEAD' }).ignoreRange).toBe(false);
    });

    it('leaves a 304 to If-None-Match first', () => {
      expect(ranged('"|old"', { headers: { 'If-None-Match': '"|a"' } })).toEqual({
        outcome: 'not-modified',
        ignoreRange: false,
      });
    });
  });
});
