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

  it('round-trips text in any script, several tags and headers, and values of both kinds', () => {
    const response = {
      key: 'bücher.example/straße?q=日本語&e=😀',
      kind: 'response' as const,
      path: '/straße/日本',
      view: 'site.bücher',
      tags: ['image:1', 'gallery:7'],
      freshUntil: 1_796_000_000_123.5,
      lastModified: 1_795_000_000_000,
      response: {
        status: 203,
        headers: [
          ['content-type', 'text/html; charset=utf-8'],
          ['x-title', 'Ünïcödé 😀'],
          ['etag', '"v1"'],
        ] as const,
        storedAt: 42,
      },
      payload: new Uint8Array([0, 255, 10, 13]),
    };
    const decoded = decodeWireEntry(encodeWireEntry(response));
    expect({ ...decoded, payload: [...(decoded?.payload ?? [])] }).toEqual({ ...response, payload: [0, 255, 10, 13] });
    for (const primitive of [true, false]) {
      const value = {
        key: 'v:é',
        kind: 'value' as const,
        path: '/x',
        view: '',
        tags: [],
        freshUntil: null,
        lastModified: null,
        primitive,
        payload: new Uint8Array([7]),
      };
      const back = decodeWireEntry(encodeWireEntry(value));
      expect({ ...back, payload: [...(back?.payload ?? [])] }).toEqual({ ...value, payload: [7] });
    }
  });

  it('is a miss, never an exception, for an entry cut short anywhere or with lengths that do not add up', () => {
    const blob = encodeWireEntry({
      key: 'example.com/a',
      kind: 'response',
      path: '/a',
      view: 'v',
      tags: ['t:1'],
      freshUntil: null,
      lastModified: null,
      response: { status: 200, headers: [['content-type', 'text/plain']], storedAt: 1 },
      payload: new Uint8Array(0),
    });
    // With an empty payload, every shorter prefix cuts into the header or the metadata.
    for (let length = 0; length < blob.byteLength; length += 1)
      expect(decodeWireEntry(blob.subarray(0, length))).toBeUndefined();
    expect(decodeWireEntry(blob)?.key).toBe('example.com/a');
    // The first string's length grown by one: the lengths no longer account for the text exactly.
    const tampered = Buffer.from(blob);
    const firstLength = 8 + 22 + 10;
    tampered.writeUInt32BE(tampered.readUInt32BE(firstLength) + 1, firstLength);
    expect(decodeWireEntry(tampered)).toBeUndefined();
  });

  it('still reads entries in the layout of earlier versions (JSON metadata)', () => {
    const meta = Buffer.from(
      JSON.stringify({
        k: 'example.com/old',
        c: 'r',
        p: '/old',
        v: 'site.page',
        t: ['image:3'],
        f: null,
        l: null,
        s: 200,
        h: [['content-type', 'text/plain']],
        at: 5,
      }),
    );
    const header = Buffer.alloc(8);
    header.write('CSR1', 0, 'latin1');
    header.writeUInt32BE(meta.byteLength, 4);
    const decoded = decodeWireEntry(Buffer.concat([header, meta, Buffer.from('old body')]));
    expect(decoded).toMatchObject({ key: 'example.com/old', path: '/old', tags: ['image:3'], kind: 'response' });
    expect(decoded?.response?.headers).toEqual([['content-type', 'text/plain']]);
    expect(Buffer.from(decoded?.payload ?? new Uint8Array()).toString()).toBe('old body');
  });

  it('keeps the body on the reply buffer when that buffer is about its size, and copies it out of a larger one', () => {
    const entry = {
      key: 'k',
      kind: 'value' as const,
      path: '/k',
      view: '',
      tags: [],
      freshUntil: null,
      lastModified: null,
      primitive: false,
      payload: new Uint8Array(20_000).fill(1),
    };
    const own = encodeWireEntry(entry);
    expect(decodeWireEntry(own)?.payload.buffer).toBe(own.buffer);
    // A reply that is a small part of a socket read: its bytes are copied, so the read can be freed.
    const chunk = new Uint8Array(own.byteLength * 4);
    chunk.set(own, 1000);
    const sliced = decodeWireEntry(chunk.subarray(1000, 1000 + own.byteLength));
    expect(sliced?.payload.buffer).not.toBe(chunk.buffer);
    expect(sliced?.payload.buffer.byteLength).toBe(20_000);
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
