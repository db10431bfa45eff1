import { describe, expect, it } from 'vitest';
import { decodeWireEntry, encodeWireEntry, wireResponse } from '../src/shared/entryWireFormat.js';
import { decodeInvalidation, encodeInvalidation } from '../src/shared/InvalidationMessage.js';
import { decodeValue, encodeValue } from '../src/serialization/encodeValue.js';
import { parseByteSize } from '../src/index.js';

describe('the shared tier wire format', () => {
  it('round-trips a response with every byte value in its body (binary-safe)', () => {
    const body = new Uint8Array(256 * 4).map((_, i) => i % 256);
    const blob = encodeWireEntry({
      key: 'example.com/img?x=1',
      kind: 'response',
      path: '/img',
      view: 'site.image',
      tags: ['image:1'],
      freshUntil: 123,
      lastModified: null,
      response: { status: 200, headers: [['content-type', 'image/png']], storedAt: 99 },
      payload: body,
    });
    const decoded = decodeWireEntry(blob);
    expect(decoded).toMatchObject({
      key: 'example.com/img?x=1',
      kind: 'response',
      path: '/img',
      tags: ['image:1'],
      freshUntil: 123,
    });
    const response = decoded === undefined ? undefined : wireResponse(decoded);
    expect(response?.headers).toEqual([['content-type', 'image/png']]);
    expect(Buffer.from(response?.body ?? new Uint8Array()).equals(Buffer.from(body))).toBe(true);
  });

  it('treats anything that is not an entry as a miss', () => {
    expect(decodeWireEntry(Buffer.from('plain string someone else stored'))).toBeUndefined();
    expect(decodeWireEntry(new Uint8Array(3))).toBeUndefined();
    const good = encodeWireEntry({
      key: 'k',
      kind: 'value',
      path: '/x',
      view: '',
      tags: [],
      freshUntil: null,
      lastModified: 5,
      primitive: true,
      payload: new Uint8Array([1]),
    });
    expect(decodeWireEntry(good.subarray(0, 12))).toBeUndefined();
    expect(decodeWireEntry(good)?.primitive).toBe(true);
  });

  it('round-trips invalidation messages and rejects malformed ones', () => {
    const text = encodeInvalidation('me', { all: false, paths: ['/a', ''], pages: ['', '/b'], tags: ['t:1'] });
    expect(decodeInvalidation(text)).toEqual({
      origin: 'me',
      invalidation: { all: false, paths: ['/a', ''], pages: ['', '/b'], tags: ['t:1'] },
    });
    // A message without pages (a sender with none to send) has none.
    expect(decodeInvalidation(JSON.stringify({ o: 'x', a: false, p: ['/a/'], t: [] }))?.invalidation).toEqual({
      all: false,
      paths: ['/a'],
      pages: [],
      tags: [],
    });
    expect(decodeInvalidation(JSON.stringify({ o: 'x', a: false, p: [], x: ['relative'], t: [] }))).toBeUndefined();
    expect(decodeInvalidation(JSON.stringify({ o: 'x', a: false, p: [], x: '/a', t: [] }))).toBeUndefined();
    expect(decodeInvalidation('not json')).toBeUndefined();
    expect(decodeInvalidation(JSON.stringify({ o: 'x', a: false, p: ['relative'], t: [] }))).toBeUndefined();
    expect(decodeInvalidation(JSON.stringify({ o: 'x', a: false, p: [], t: ['bad tag'] }))).toBeUndefined();
  });
});

describe('values and sizes', () => {
  it('encodes faithfully or says why not', () => {
    const ok = encodeValue({
      a: [1, 'two', null],
      d: new Date(5),
      m: new Map([[1, new Set([2])]]),
      e: new Error('kept'),
    });
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(decodeValue(ok.bytes)).toMatchObject({ a: [1, 'two', null], d: new Date(5) });
    const refused = encodeValue(new Map([['k', { f: () => 1 }]]));
    expect(refused).toEqual({ ok: false, reason: 'a function at value.get("k").f' });
    expect(encodeValue(new Proxy({}, {}))).toMatchObject({ ok: false });
  });

  it('parses byte sizes in binary units and rejects nonsense', () => {
    expect(parseByteSize('64MB', 'x')).toBe(64 * 1024 * 1024);
    expect(parseByteSize('512 KiB', 'x')).toBe(512 * 1024);
    expect(parseByteSize('1.5gb', 'x')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize(4096, 'x')).toBe(4096);
    for (const bad of ['', '12 parsecs', -1, 0, 1.5, '1e9'])
      expect(() => parseByteSize(bad, 'maxBytes')).toThrow(/maxBytes/);
  });
});
