import { isSurrogateKey, type StoredResponse } from '@cacheset/core';
import type { EntryKind } from '../store/ObjectGroup.js';
import { ownedBytes } from '../serialization/encodeValue.js';

const MAGIC = 0x43535232; // 'CSR2'
/** Entries written by earlier versions (JSON metadata): still read. */
const JSON_MAGIC = 0x43535231; // 'CSR1'
const HEADER_BYTES = 8;

/** An entry as it travels to and from Redis: everything a process needs to rebuild it. */
export interface WireEntry {
  readonly key: string;
  readonly kind: EntryKind;
  /** Canonical path. */
  readonly path: string;
  readonly view: string;
  readonly tags: readonly string[];
  /** Fresh until (epoch ms); null when it never goes stale. */
  readonly freshUntil: number | null;
  /** The object's modification time (epoch ms) when the value was made; null when unknown. */
  readonly lastModified: number | null;
  /** Responses: status, headers and rendering time; the body is the payload. */
  readonly response?: {
    readonly status: number;
    readonly headers: readonly (readonly [string, string])[];
    readonly storedAt: number;
  };
  /** Values: whether the payload decodes to a primitive. */
  readonly primitive?: boolean;
  /** The body of a response, or the structured-clone bytes of a value. */
  readonly payload: Uint8Array;
}

/** The metadata of entries written by earlier versions (magic 'CSR1'): JSON. Still read, never written. */
interface JsonMeta {
  k: string;
  c: 'r' | 'v';
  p: string;
  v: string;
  t: readonly string[];
  f: number | null;
  l: number | null;
  s?: number;
  h?: readonly (readonly [string, string])[];
  at?: number;
  pr?: boolean;
}

const KIND_RESPONSE = 0x72; // 'r'
const KIND_VALUE = 0x76; // 'v'
const HAS_FRESH_UNTIL = 1;
const HAS_LAST_MODIFIED = 2;
const PRIMITIVE = 4;
/** Kind and flags (u8 each), freshUntil and lastModified (f64 each), the tag and header counts (u16 each). */
const FIXED_META_BYTES = 2 + 8 + 8 + 2 + 2;
/** A response's status (u16) and storedAt (f64). */
const RESPONSE_META_BYTES = 2 + 8;

/**
 * Binary-safe layout: 'CSR2', the metadata length (u32), the metadata, then the payload as it is.
 * Bodies and values are never re-encoded as text, so any bytes survive the round trip.
 *
 * The metadata is binary, not JSON: decoding it is on every shared-tier hit, and JSON.parse of an
 * entry's 200 bytes cost about as much as the rest of the decoding. In order: kind (u8, 'r' or
 * 'v'), flags (u8: freshUntil present, lastModified present, primitive), freshUntil and lastModified
 * (f64), the number of tags and of headers (u16), for a response its status (u16) and storedAt
 * (f64); then the length in UTF-16 units (u32) of each string (key, path, view, the tags, each
 * header's name and value), then all those strings as one UTF-8 text: one decoding call, then
 * slices, instead of a call per string.
 */
export function encodeWireEntry(entry: WireEntry): Buffer {
  const response = entry.response;
  const strings: string[] = [entry.key, entry.path, entry.view, ...entry.tags];
  if (response !== undefined) for (const [name, value] of response.headers) strings.push(name, value);
  const text = strings.join('');
  const textBytes = Buffer.byteLength(text, 'utf8');
  const numbersLength = FIXED_META_BYTES + (response === undefined ? 0 : RESPONSE_META_BYTES) + 4 * strings.length;
  const metaLength = numbersLength + textBytes;
  const out = Buffer.allocUnsafeSlow(HEADER_BYTES + metaLength + entry.payload.byteLength);
  out.writeUInt32BE(MAGIC, 0);
  out.writeUInt32BE(metaLength, 4);
  let at = HEADER_BYTES;
  out[at] = response === undefined ? KIND_VALUE : KIND_RESPONSE;
  out[at + 1] =
    (entry.freshUntil === null ? 0 : HAS_FRESH_UNTIL) |
    (entry.lastModified === null ? 0 : HAS_LAST_MODIFIED) |
    (entry.primitive === true ? PRIMITIVE : 0);
  out.writeDoubleBE(entry.freshUntil ?? 0, at + 2);
  out.writeDoubleBE(entry.lastModified ?? 0, at + 10);
  out.writeUInt16BE(entry.tags.length, at + 18);
  out.writeUInt16BE(response?.headers.length ?? 0, at + 20);
  at += FIXED_META_BYTES;
  if (response !== undefined) {
    out.writeUInt16BE(response.status, at);
    out.writeDoubleBE(response.storedAt, at + 2);
    at += RESPONSE_META_BYTES;
  }
  for (const part of strings) {
    out.writeUInt32BE(part.length, at);
    at += 4;
  }
  out.write(text, at, 'utf8');
  out.set(entry.payload, HEADER_BYTES + metaLength);
  return out;
}

const isNumberOrNull = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v));

function isHeaders(value: unknown): value is readonly (readonly [string, string])[] {
  return (
    Array.isArray(value) &&
    (value as unknown[]).every(
      (p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string',
    )
  );
}

/**
 * The entry in `blob`, or undefined when it is not one (another program's data under our prefix, a
 * truncated value): such data is treated as a miss, never trusted.
 */
export function decodeWireEntry(blob: Uint8Array): WireEntry | undefined {
  if (blob.byteLength < HEADER_BYTES) return undefined;
  const view = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const magic = view.readUInt32BE(0);
  if (magic !== MAGIC && magic !== JSON_MAGIC) return undefined;
  const metaLength = view.readUInt32BE(4);
  const metaEnd = HEADER_BYTES + metaLength;
  if (metaEnd > view.byteLength) return undefined;
  return magic === MAGIC ? decodeBinaryMeta(view, metaEnd) : decodeJsonMeta(view, metaEnd);
}

/** What follows the metadata: the reply's own bytes when it arrived as a buffer of its own, else a copy (see ownedBytes). */
function payloadAfter(view: Buffer, metaEnd: number): Uint8Array {
  return ownedBytes(view.subarray(metaEnd));
}

/**
 * The hot path of a shared-tier hit: reads the binary metadata (see encodeWireEntry), every length
 * checked against `end`, so a truncated or foreign value is undefined, never an exception.
 */
function decodeBinaryMeta(view: Buffer, end: number): WireEntry | undefined {
  let at = HEADER_BYTES;
  if (at + FIXED_META_BYTES > end) return undefined;
  const kind = view[at];
  const flags = view[at + 1] as number;
  if (kind !== KIND_RESPONSE && kind !== KIND_VALUE) return undefined;
  const freshUntil = (flags & HAS_FRESH_UNTIL) === 0 ? null : view.readDoubleBE(at + 2);
  const lastModified = (flags & HAS_LAST_MODIFIED) === 0 ? null : view.readDoubleBE(at + 10);
  if (!isNumberOrNull(freshUntil) || !isNumberOrNull(lastModified)) return undefined;
  const tagCount = view.readUInt16BE(at + 18);
  const headerCount = view.readUInt16BE(at + 20);
  at += FIXED_META_BYTES;
  let status = 0;
  let storedAt = 0;
  if (kind === KIND_RESPONSE) {
    if (at + RESPONSE_META_BYTES > end) return undefined;
    status = view.readUInt16BE(at);
    storedAt = view.readDoubleBE(at + 2);
    if (!Number.isFinite(storedAt)) return undefined;
    at += RESPONSE_META_BYTES;
  } else if (headerCount !== 0) return undefined;
  const parts = 3 + tagCount + 2 * headerCount;
  const lengthsAt = at;
  at += 4 * parts;
  if (at > end) return undefined;
  const text = view.toString('utf8', at, end);
  let cut = 0;
  const next = (i: number): string => {
    const from = cut;
    cut += view.readUInt32BE(lengthsAt + 4 * i);
    return text.slice(from, cut);
  };
  const key = next(0);
  const path = next(1);
  const viewName = next(2);
  const tags: string[] = [];
  for (let i = 0; i < tagCount; i += 1) tags.push(next(3 + i));
  const headers: (readonly [string, string])[] = [];
  for (let i = 3 + tagCount; i < parts; i += 2) headers.push([next(i), next(i + 1)]);
  // The lengths must account for the text exactly: anything else is not an entry of ours.
  if (cut !== text.length || !tags.every(isSurrogateKey)) return undefined;
  if (kind === KIND_VALUE) {
    const primitive = (flags & PRIMITIVE) !== 0;
    return {
      key,
      kind: 'value',
      path,
      view: viewName,
      tags,
      freshUntil,
      lastModified,
      primitive,
      payload: payloadAfter(view, end),
    };
  }
  return {
    key,
    kind: 'response',
    path,
    view: viewName,
    tags,
    freshUntil,
    lastModified,
    response: { status, headers, storedAt },
    payload: payloadAfter(view, end),
  };
}

/** Entries written by earlier versions, whose metadata is JSON. */
function decodeJsonMeta(view: Buffer, end: number): WireEntry | undefined {
  let meta: Partial<JsonMeta>;
  try {
    meta = JSON.parse(view.toString('utf8', HEADER_BYTES, end)) as Partial<JsonMeta>;
  } catch {
    return undefined;
  }
  if (typeof meta !== 'object' || meta === null) return undefined;
  if (
    typeof meta.k !== 'string' ||
    (meta.c !== 'r' && meta.c !== 'v') ||
    typeof meta.p !== 'string' ||
    typeof meta.v !== 'string'
  )
    return undefined;
  if (!Array.isArray(meta.t) || !meta.t.every(isSurrogateKey) || !isNumberOrNull(meta.f) || !isNumberOrNull(meta.l))
    return undefined;
  if (meta.c === 'r') {
    if (typeof meta.s !== 'number' || !isHeaders(meta.h) || typeof meta.at !== 'number') return undefined;
    return {
      key: meta.k,
      kind: 'response',
      path: meta.p,
      view: meta.v,
      tags: meta.t,
      freshUntil: meta.f,
      lastModified: meta.l,
      response: { status: meta.s, headers: meta.h, storedAt: meta.at },
      payload: payloadAfter(view, end),
    };
  }
  if (typeof meta.pr !== 'boolean') return undefined;
  return {
    key: meta.k,
    kind: 'value',
    path: meta.p,
    view: meta.v,
    tags: meta.t,
    freshUntil: meta.f,
    lastModified: meta.l,
    primitive: meta.pr,
    payload: payloadAfter(view, end),
  };
}

/** The response a decoded wire entry carries. */
export function wireResponse(entry: WireEntry): StoredResponse | undefined {
  if (entry.response === undefined) return undefined;
  return {
    status: entry.response.status,
    headers: entry.response.headers,
    body: entry.payload,
    storedAt: entry.response.storedAt,
  };
}
