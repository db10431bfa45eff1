import { deserialize, serialize } from 'node:v8';
import { keepsBackingStore } from './memorySize.js';

/** A value the store can keep: its structured-clone bytes, and the value itself when it is immutable. */
export interface EncodedValue {
  readonly ok: true;
  readonly bytes: Uint8Array;
  /** True for strings, numbers, booleans, null and bigints: kept as they are and returned without decoding. */
  readonly primitive: boolean;
}

export interface RefusedValue {
  readonly ok: false;
  /** Why, for the log and the statistics: 'a function at value.render', ... */
  readonly reason: string;
}

const ALLOWED_PROTOTYPES: ReadonlySet<object | null> = new Set<object | null>([
  null,
  Object.prototype,
  Array.prototype,
  Date.prototype,
  RegExp.prototype,
  Map.prototype,
  Set.prototype,
  ArrayBuffer.prototype,
  Number.prototype,
  String.prototype,
  Boolean.prototype,
]);

function isError(value: object): boolean {
  let proto = Object.getPrototypeOf(value) as object | null;
  while (proto !== null) {
    if (proto === Error.prototype) return true;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return false;
}

function label(path: string, key: PropertyKey): string {
  return typeof key === 'number' ? `${path}[${key}]` : `${path}.${String(key)}`;
}

/**
 * Why `root` cannot make a faithful round trip through the structured-clone serializer, or undefined.
 * The serializer itself rejects functions and symbols, but it silently turns class instances into
 * plain objects and drops symbol-keyed properties: a cached value would come back as something else.
 * Cycles are fine (the serializer keeps them). The walk is iterative, so deep values cannot overflow
 * it; the serializer's own depth limit is caught by the caller.
 */
export function unfaithfulReason(root: unknown): string | undefined {
  const seen = new Set<object>();
  const stack: [unknown, string][] = [[root, 'value']];
  while (stack.length > 0) {
    const [value, where] = stack.pop() as [unknown, string];
    if (typeof value === 'function') return `a function at ${where}`;
    if (typeof value === 'symbol') return `a symbol at ${where}`;
    if (typeof value !== 'object' || value === null) continue;
    if (seen.has(value)) continue;
    seen.add(value);
    if (ArrayBuffer.isView(value)) continue;
    const proto = Object.getPrototypeOf(value) as object | null;
    if (!ALLOWED_PROTOTYPES.has(proto)) {
      if (isError(value)) continue;
      const name = (proto as { constructor?: { name?: string } } | null)?.constructor?.name;
      return `an instance of ${name !== undefined && name !== '' ? name : 'a class'} at ${where} (it would come back as a plain object)`;
    }
    if (Object.getOwnPropertySymbols(value).length > 0)
      return `symbol-keyed properties at ${where} (they would be dropped)`;
    if (value instanceof Map) {
      let i = 0;
      for (const [k, v] of value) {
        stack.push([k, `${where}.keys[${i}]`], [v, `${where}.get(${typeof k === 'string' ? JSON.stringify(k) : i})`]);
        i += 1;
      }
      continue;
    }
    if (value instanceof Set) {
      let i = 0;
      for (const v of value) stack.push([v, `${where}.values[${i++}]`]);
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i += 1) stack.push([value[i], label(where, i)]);
      continue;
    }
    for (const key of Object.keys(value)) stack.push([(value as Record<string, unknown>)[key], label(where, key)]);
  }
  return undefined;
}

/**
 * Encodes a value for the store with the structured-clone serializer (node:v8): the bytes measure
 * the entry, travel to Redis unchanged, and decode into a fresh copy on every read, so no caller can
 * mutate what another one gets. Refuses `undefined` (a miss looks the same), functions, symbols,
 * class instances and anything the serializer throws on (proxies, values nested too deep).
 */
export function encodeValue(value: unknown): EncodedValue | RefusedValue {
  if (value === undefined) return { ok: false, reason: 'undefined (it cannot be told apart from a miss)' };
  const problem = unfaithfulReason(value);
  if (problem !== undefined) return { ok: false, reason: problem };
  let bytes: Buffer;
  try {
    bytes = serialize(value);
  } catch (error) {
    const message =
      error instanceof RangeError
        ? 'a value nested too deeply for the serializer'
        : `a value the serializer rejects (${error instanceof Error ? error.message : String(error)})`;
    return { ok: false, reason: message };
  }
  const primitive =
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint';
  return { ok: true, bytes: ownedBytes(bytes), primitive };
}

/** A fresh copy of an encoded value. */
export function decodeValue(bytes: Uint8Array): unknown {
  return deserialize(bytes);
}

/**
 * `bytes` as the store keeps them: as they are when their backing store is about their size (see
 * keepsBackingStore, and bytesSize, which charges that whole store), else a copy of exactly their
 * size. Small Buffers are slices of a shared 8 KiB pool: keeping one would keep the whole pool alive.
 */
export function ownedBytes(bytes: Uint8Array): Uint8Array {
  if (keepsBackingStore(bytes)) return bytes;
  // Not zero-filled (it is overwritten at once) and never from the pool.
  const copy = Buffer.allocUnsafeSlow(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
