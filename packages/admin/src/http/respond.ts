import type { ServerResponse } from 'node:http';
import { CachesetError } from '@cacheset/core';
import type { AdminErrorBody, AdminProblem } from '../api/AdminApiTypes.js';

/**
 * The headers of every admin answer. `no-store` (and `private`, for caches that ignore no-store on
 * some statuses) keeps the browser, Varnish, nginx and cacheset's own RAM cache and disk dump from
 * keeping a page that shows tokens, statistics and forms; the rest are the usual hardening.
 */
const ALWAYS: readonly (readonly [string, string])[] = [
  ['cache-control', 'no-store, private'],
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'same-origin'],
  ['x-frame-options', 'DENY'],
  [
    'content-security-policy',
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  ],
];

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Uint8Array,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [name, value] of ALWAYS) res.setHeader(name, value);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', contentType);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.setHeader('content-length', String(bytes.byteLength));
  res.writeHead(status);
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value, null, 2)}\n`, headers);
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): void {
  send(res, status, 'text/html; charset=utf-8', html, headers);
}

export function redirect(
  res: ServerResponse,
  location: string,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): void {
  send(res, 303, 'text/plain; charset=utf-8', `See ${location}\n`, { ...headers, location });
}

/** The status an error is answered with: the admin's own errors carry it; a refused edit is 422. */
export function statusOf(error: CachesetError): number {
  const status = error.details.status;
  return typeof status === 'number' ? status : 422;
}

/** The problems of a refused configuration: the key and the message the policy file's loader gave. */
export function problemsOf(error: CachesetError): AdminProblem[] {
  const key = error.details.key;
  return [{ path: typeof key === 'string' && key !== '(top level)' ? key : '', message: error.message }];
}

export function errorBody(error: CachesetError, problems?: readonly AdminProblem[]): AdminErrorBody {
  return {
    error: { code: error.code, message: error.message, ...(problems === undefined ? {} : { problems }) },
  };
}

export function sendError(
  res: ServerResponse,
  error: CachesetError,
  options: { readonly problems?: readonly AdminProblem[]; readonly headers?: Readonly<Record<string, string>> } = {},
): void {
  sendJson(res, statusOf(error), errorBody(error, options.problems), options.headers);
}

export { CachesetError };
