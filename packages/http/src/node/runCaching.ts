import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { UnitOfWork, type CacheExchange, type InterceptOutcome } from '@cacheset/core';
import { requestedCaptures, settleCaptures } from '../capture/captureResponse.js';
import { abandonPendingFill, shouldIgnoreRange } from '../operations/createCachingOperation.js';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { reportOnce } from '../runtime/HttpSettings.js';
import { createNodeExchange } from './nodeExchange.js';
import type { RouteCaching } from './routeHints.js';

/** Statuses and methods whose responses carry no body. */
function bodyless(method: string | undefined, status: number): boolean {
  return method === 'HEAD' || status === 304 || status === 204 || (status >= 100 && status < 200);
}

/** Writes an intercepted answer (a 304, a 412, a RAM-cache hit) and ends the response. */
export function sendIntercepted(req: IncomingMessage, res: ServerResponse, outcome: InterceptOutcome): void {
  res.statusCode = outcome.status;
  if (bodyless(req.method, outcome.status)) {
    res.end();
    return;
  }
  const { body } = outcome;
  res.end(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

/** Header pairs as sent, lower-case, one pair per line of multi-line headers (Set-Cookie). */
export function headerPairs(headers: OutgoingHttpHeaders): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) pairs.push([name, String(v)]);
    else pairs.push([name, String(value)]);
  }
  return pairs;
}

type HeaderArgument = OutgoingHttpHeaders | readonly (string | readonly string[])[] | undefined;

/** Applies the headers given to writeHead(status, headers) to the response first, so modify sees them. */
function applyWriteHeadHeaders(res: ServerResponse, headers: HeaderArgument): void {
  if (headers === undefined || headers === null) return;
  if (Array.isArray(headers)) {
    const pairs: [string, string][] = Array.isArray(headers[0])
      ? (headers as readonly (readonly string[])[]).map((p) => [String(p[0]), String(p[1])] as [string, string])
      : Array.from({ length: Math.floor(headers.length / 2) }, (_, i) => [String(headers[2 * i]), String(headers[2 * i + 1])] as [string, string]);
    const grouped = new Map<string, string[]>();
    for (const [name, value] of pairs) grouped.set(name, [...(grouped.get(name) ?? []), value]);
    for (const [name, values] of grouped) res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
    return;
  }
  for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
    if (value !== undefined) res.setHeader(name, value);
  }
}

/**
 * Runs `onHeaders` exactly once, right before the response headers are sent, whichever way they are
 * sent (an explicit writeHead, or the implicit one of the first write or of end). Streams get their
 * caching headers once, before the first byte.
 */
export function installHeaderHook(res: ServerResponse, onHeaders: () => void): void {
  const original = res.writeHead;
  let done = false;
  res.writeHead = function writeHead(this: ServerResponse, statusCode: number, ...rest: unknown[]): ServerResponse {
    if (done) return original.apply(this, [statusCode, ...rest] as never);
    done = true;
    this.statusCode = statusCode;
    const message = typeof rest[0] === 'string' ? rest[0] : undefined;
    applyWriteHeadHeaders(this, (message === undefined ? rest[0] : rest[1]) as HeaderArgument);
    onHeaders();
    return message === undefined ? original.call(this, statusCode) : original.call(this, statusCode, message as never);
  } as typeof res.writeHead;
}

/**
 * Keeps a copy of the body while `active()` says so, up to `limit()` bytes. Chunks are copied after
 * the original call returns: by then the header hook has decided whether anybody wants the body, even
 * for the chunk whose write sent the headers.
 */
function installBodyTap(res: ServerResponse, active: () => boolean, limit: () => number): { body(): Buffer | undefined } {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const collect = (chunk: unknown, encoding: unknown): void => {
    if (overflow || !active() || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array);
    size += buffer.byteLength;
    if (size > limit()) {
      overflow = true;
      chunks.length = 0;
      return;
    }
    chunks.push(buffer);
  };
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]): boolean {
    const result = write.apply(this, [chunk, ...rest] as never);
    collect(chunk, rest[0]);
    return result;
  } as typeof res.write;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]): ServerResponse {
    // Node sets Content-Length for a single-chunk GET but not for HEAD; setting it here gives HEAD the
    // same headers as GET (and keeps the connection alive).
    if (!this.headersSent && (typeof chunk === 'string' || chunk instanceof Uint8Array) && !this.hasHeader('content-length') && !this.hasHeader('transfer-encoding')) {
      this.setHeader('Content-Length', typeof chunk === 'string' ? Buffer.byteLength(chunk, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8') : chunk.byteLength);
    }
    const result = end.apply(this, [chunk, ...rest] as never);
    collect(chunk, rest[0]);
    return result;
  } as typeof res.end;
  return { body: () => (overflow ? undefined : Buffer.concat(chunks)) };
}

/**
 * Closes the exchange when the response ends: captures get the body (or are abandoned), a RAM fill
 * still held is released, and the unit of work commits (finished, no error, status below 400) or
 * aborts (an error, an error status, or a client that went away).
 */
function trackCompletion(caching: HttpCaching, exchange: CacheExchange, unit: UnitOfWork, res: ServerResponse, body: () => Buffer | undefined): { fail(error: unknown): void } {
  let failure: unknown;
  let failed = false;
  const report = (error: unknown): void => reportOnce(caching.settings.logger, `cacheset: a response capture failed: ${error instanceof Error ? error.message : String(error)}`, { error });
  res.once('finish', () => {
    if (requestedCaptures(exchange).length > 0) {
      const captured = body();
      settleCaptures(exchange, { status: res.statusCode, headers: headerPairs(res.getHeaders()), body: captured }, captured === undefined ? 'too-large' : 'aborted', report);
    }
    abandonPendingFill(exchange, 'the response was not stored');
    if (failed || res.statusCode >= 400) void unit.abort(failed ? failure : new Error(`status ${res.statusCode}`));
    else void unit.commit();
  });
  res.once('close', () => {
    if (res.writableFinished) return;
    settleCaptures(exchange, { status: res.statusCode, headers: [], body: undefined }, 'aborted', report);
    abandonPendingFill(exchange, 'the client went away');
    void unit.abort(new Error('the connection closed before the response finished'));
  });
  return {
    fail(error) {
      failed = true;
      failure = error;
    },
  };
}

/**
 * The node:http core shared by every adapter: opens a unit of work, runs intercept (a 304, 412 or RAM
 * hit ends the request here), then renders with the caching headers applied once when the response
 * starts, and closes the unit when the response ends. Rejects only when `render` throws.
 */
export async function runCaching(caching: HttpCaching, req: IncomingMessage, res: ServerResponse, render: () => unknown, route?: RouteCaching | (() => RouteCaching | undefined)): Promise<void> {
  const exchange = createNodeExchange(caching, req, res, route);
  const unit = new UnitOfWork({ label: `${req.method ?? 'GET'} ${req.url ?? '/'}`, logger: caching.settings.logger });
  let capturing = false;
  let limit = 0;
  const tap = installBodyTap(res, () => capturing, () => limit);
  const tracker = trackCompletion(caching, exchange, unit, res, () => tap.body());
  const outcome = await unit.run(() => caching.engine.intercept(exchange));
  if (outcome !== undefined) {
    sendIntercepted(req, res, outcome);
    return;
  }
  if (shouldIgnoreRange(exchange)) {
    delete req.headers.range;
    delete req.headers['if-range'];
  }
  installHeaderHook(res, () => {
    caching.engine.modify(exchange);
    const captures = requestedCaptures(exchange);
    if (captures.length > 0) {
      capturing = true;
      limit = Math.max(...captures.map((c) => c.maxBytes));
    }
  });
  try {
    await unit.run(render);
  } catch (error) {
    tracker.fail(error);
    throw error;
  }
}
