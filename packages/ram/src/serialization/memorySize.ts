/**
 * What the byte budget charges per entry besides its key and stored bytes: the entry record, its
 * lookup answer, the response record, the LRU's key-map slot, the group and tag index slots, and a
 * share of its object's statistics row and path-index node (most objects have one entry). Measured,
 * not guessed: the memory test (packages/ram/test/memory.spec.ts) checks that the heap grows by no
 * more than the budget plus 10% after a million inserts; re-measure there if the entry record changes.
 */
export const ENTRY_OVERHEAD_BYTES = 960;

/**
 * What the LRU's fixed tables cost per entry slot (key, value, size, two links, free list, two TTL
 * numbers), allocated for `maxEntries` slots up front. Reserved out of the byte budget.
 */
export const SLOT_BYTES = 56;

/** A string's heap header, with room for the pieces a concatenated (cons) string keeps. */
const STRING_OVERHEAD_BYTES = 64;
/** A typed array and its ArrayBuffer: two heap objects and the backing store's bookkeeping. */
const BYTE_ARRAY_OVERHEAD_BYTES = 208;
/** A header pair: a two-element array and the list slot. */
const PAIR_OVERHEAD_BYTES = 48;

/** Bytes a string occupies in V8: one per character for Latin-1 text, two otherwise, plus its header. */
export function stringBytes(text: string): number {
  return STRING_OVERHEAD_BYTES + (TWO_BYTE.test(text) ? 2 * text.length : text.length);
}

const TWO_BYTE = /[^\u0000-\u00ff]/;

/**
 * A view is kept on its backing store (not copied) when that store is at most this many times the
 * view's length: copying a large body costs an allocation, page faults on the fresh memory and the
 * garbage collections that follow (about 8 µs per 20 KB body with 32 shared-tier reads in flight, a
 * quarter of a raw Redis read). Redis replies are such views: one larger than a socket read arrives
 * as a buffer of its own.
 */
const MAX_KEPT_BACKING_RATIO = 2;

/**
 * Whether the store keeps `bytes` as it is: its backing store is not shared memory and not much
 * larger than the bytes (a small slice of a pool or of a socket chunk would keep all of it alive).
 */
export function keepsBackingStore(bytes: Uint8Array): boolean {
  return (
    !(bytes.buffer instanceof SharedArrayBuffer) && bytes.buffer.byteLength <= bytes.byteLength * MAX_KEPT_BACKING_RATIO
  );
}

/**
 * A byte array as the store keeps it: the bytes, the typed array and the ArrayBuffer objects. A view
 * kept on its backing store is charged the whole store, which it keeps alive.
 */
export function bytesSize(bytes: Uint8Array): number {
  return (keepsBackingStore(bytes) ? bytes.buffer.byteLength : bytes.byteLength) + BYTE_ARRAY_OVERHEAD_BYTES;
}

/** A list of header pairs: both strings and a two-element array per pair, and the list. */
export function headersSize(headers: readonly (readonly [string, string])[]): number {
  let size = 32;
  for (const [name, value] of headers) size += stringBytes(name) + stringBytes(value) + PAIR_OVERHEAD_BYTES;
  return size;
}
