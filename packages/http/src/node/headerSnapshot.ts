import type { ServerResponse } from 'node:http';

/** A header's value as a node response holds it. */
export type HeaderValue = number | string | readonly string[];

/** A response's headers at one moment, in the order they were set. */
export interface HeaderSnapshot {
  /** The names as set (the case the client sees). */
  readonly names: readonly string[];
  /** The same names, lower-case. */
  readonly keys: readonly string[];
  readonly values: readonly HeaderValue[];
}

/**
 * Where a prepared render reads a response's headers from: a node response as it is, or a view of
 * a Fastify reply (whose headers stay on the reply until Fastify writes them).
 */
export interface HeaderReader {
  /** The names, lower-case, in the order they were set. */
  getHeaderNames(): string[];
  getHeader(name: string): HeaderValue | undefined;
}

/** The headers on `res` now. */
export function snapshotHeaders(res: ServerResponse): HeaderSnapshot {
  const keys = res.getHeaderNames();
  // Node's responses have it (OutgoingMessage), its typings only on ClientRequest.
  const names = (res as ServerResponse & { getRawHeaderNames?: () => string[] }).getRawHeaderNames?.() ?? keys;
  const values = keys.map((key) => res.getHeader(key) as HeaderValue);
  return { names, keys, values };
}
