import type { ServerResponse } from 'node:http';

/** A copy of what a response writes, kept once `start` is called (when a capture asked for it). */
export interface BodyTap {
  /** Keep the body from now on, up to `limit` bytes (beyond that the copy is dropped). */
  start(limit: number): void;
  /** The body written, or undefined when it grew past the limit. */
  body(): Buffer | undefined;
}

/** 204, 304 and 1xx responses have no body, so no Content-Length either (RFC 9110 §8.6). */
const hasBody = (status: number): boolean => status >= 200 && status !== 204 && status !== 304;

/**
 * The copy itself. A class rather than closures over an object literal: per-request literals that
 * stay alive with the response get pretenured by V8 and then keep whole requests alive through
 * scavenges (see cachingSession.ts).
 */
export class ResponseCopy implements BodyTap {
  #chunks: Buffer[] | undefined;
  #size = 0;
  #limit = -1;
  #overflow = false;

  start(limit: number): void {
    if (this.#limit < 0) this.#limit = limit;
  }

  collect(chunk: unknown, encoding: unknown): void {
    if (this.#limit < 0 || this.#overflow || chunk === undefined || chunk === null || typeof chunk === 'function')
      return;
    const buffer =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk as Uint8Array);
    this.#size += buffer.byteLength;
    if (this.#size > this.#limit) {
      this.#overflow = true;
      this.#chunks = undefined;
      return;
    }
    (this.#chunks ??= Array.of<Buffer>()).push(buffer);
  }

  body(): Buffer | undefined {
    if (this.#overflow) return undefined;
    return this.#chunks === undefined ? Buffer.alloc(0) : Buffer.concat(this.#chunks);
  }
}

/** `res.write` with the copy kept: the chunk is copied after the original call returns. */
export function tappedWrite(
  res: ServerResponse,
  copy: ResponseCopy,
  write: ServerResponse['write'],
  chunk: unknown,
  rest: unknown[],
): boolean {
  const result = write.apply(res, [chunk, ...rest] as never);
  copy.collect(chunk, rest[0]);
  return result;
}

/**
 * `res.end` with the copy kept, setting Content-Length for a single-chunk body when nobody did: Node
 * does that for GET but not for HEAD, so this gives HEAD the same headers as GET (and keeps the
 * connection alive).
 *
 * The header block is then written here, through `writeHead` as Node's own implicit header does
 * (so every hook on it runs the same way): a `end(string)` whose headers are not written yet has
 * Node measure the string again, and measuring 20 KB costs about 5 µs a response.
 */
export function tappedEnd(
  res: ServerResponse,
  copy: ResponseCopy,
  end: ServerResponse['end'],
  chunk: unknown,
  rest: unknown[],
): ServerResponse {
  if (
    !res.headersSent &&
    (typeof chunk === 'string' || chunk instanceof Uint8Array) &&
    hasBody(res.statusCode) &&
    !res.hasHeader('content-length') &&
    !res.hasHeader('transfer-encoding')
  ) {
    // A string is measured, not encoded here: Node writes a string body without copying it into
    // a Buffer first, and encoding 20 KB per response cost more than measuring it.
    res.setHeader(
      'Content-Length',
      typeof chunk === 'string'
        ? Buffer.byteLength(chunk, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8')
        : chunk.byteLength,
    );
    res.writeHead(res.statusCode);
  }
  const result = end.apply(res, [chunk, ...rest] as never);
  copy.collect(chunk, rest[0]);
  return result;
}

/**
 * Wraps `res.write` / `res.end` to keep a copy of the body once `start` was called. Chunks are
 * copied after the original call returns: by then the header hook has decided whether anybody wants
 * the body, even for the chunk whose write sent the headers. The wrapped `end` also sets
 * Content-Length (see tappedEnd).
 */
export function installBodyTap(res: ServerResponse): BodyTap {
  const copy = new ResponseCopy();
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]): boolean {
    return tappedWrite(this, copy, write, chunk, rest);
  } as typeof res.write;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]): ServerResponse {
    return tappedEnd(this, copy, end, chunk, rest);
  } as typeof res.end;
  return copy;
}
