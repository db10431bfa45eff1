import { isSurrogateKey, type StoredResponse } from '@cacheset/core';
import type { EntryKind } from '../store/ObjectGroup.js';

const MAGIC = 0x43535231; // 'CSR1'
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

interface Meta {
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

/**
 * Binary-safe layout: 'CSR1', the metadata length (u32), the metadata as JSON, then the payload as it
 * is. Bodies and values are never re-encoded as text, so any bytes survive the round trip.
 */
export function encodeWireEntry(entry: WireEntry): Buffer {
  const meta: Meta = {
    k: entry.key,
    c: entry.kind === 'response' ? 'r' : 'v',
    p: entry.path,
    v: entry.view,
    t: entry.tags,
    f: entry.freshUntil,
    l: entry.lastModified,
  };
  if (entry.response !== undefined) {
    meta.s = entry.response.status;
    meta.h = entry.response.headers;
    meta.at = entry.response.storedAt;
  }
  if (entry.primitive !== undefined) meta.pr = entry.primitive;
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const out = Buffer.allocUnsafeSlow(HEADER_BYTES + metaBytes.byteLength + entry.payload.byteLength);
  out.writeUInt32BE(MAGIC, 0);
  out.writeUInt32BE(metaBytes.byteLength, 4);
  metaBytes.copy(out, HEADER_BYTES);
  out.set(entry.payload, HEADER_BYTES + metaBytes.byteLength);
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
  if (view.readUInt32BE(0) !== MAGIC) return undefined;
  const metaLength = view.readUInt32BE(4);
  if (HEADER_BYTES + metaLength > view.byteLength) return undefined;
  let meta: Partial<Meta>;
  try {
    meta = JSON.parse(view.toString('utf8', HEADER_BYTES, HEADER_BYTES + metaLength)) as Partial<Meta>;
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
  // A copy with a backing store of its own: the reply buffer is not ours to keep (see ownedBytes).
  // (Uint8Array#set is a plain memcpy; Buffer#copy goes through slower checks.)
  const payload = Buffer.allocUnsafeSlow(view.byteLength - HEADER_BYTES - metaLength);
  payload.set(view.subarray(HEADER_BYTES + metaLength));
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
      payload,
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
    payload,
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
