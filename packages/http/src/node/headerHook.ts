import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

type HeaderArgument = OutgoingHttpHeaders | readonly (string | readonly string[])[] | undefined;

/** Applies the headers given to writeHead(status, headers) to the response first, so modify sees them. */
function applyWriteHeadHeaders(res: ServerResponse, headers: HeaderArgument): void {
  if (headers === undefined || headers === null) return;
  if (Array.isArray(headers)) {
    const pairs: [string, string][] = Array.isArray(headers[0])
      ? (headers as readonly (readonly string[])[]).map((p) => [String(p[0]), String(p[1])] as [string, string])
      : Array.from(
          { length: Math.floor(headers.length / 2) },
          (_, i) => [String(headers[2 * i]), String(headers[2 * i + 1])] as [string, string],
        );
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
 * The first `writeHead` of a response: unless `final` (the headers being written are already the
 * answer: intercept answered with a 304 or a RAM hit written whole, which go out untouched), the
 * headers given to writeHead are applied to the response, `onHeaders` runs, and the status it leaves
 * is written.
 */
export function hookedWriteHead(
  res: ServerResponse,
  original: ServerResponse['writeHead'],
  statusCode: number,
  rest: unknown[],
  onHeaders: () => void,
  final: boolean,
): ServerResponse {
  // Copying an answer's headers onto the response one by one, only to run a modify that has
  // nothing to do, cost a RAM hit through Express about 5 µs.
  if (final) return original.apply(res, [statusCode, ...rest] as never);
  res.statusCode = statusCode;
  const message = typeof rest[0] === 'string' ? rest[0] : undefined;
  applyWriteHeadHeaders(res, (message === undefined ? rest[0] : rest[1]) as HeaderArgument);
  onHeaders();
  // onHeaders may answer otherwise (a late 304): the status it set wins, without the old reason phrase.
  const status = res.statusCode;
  return message === undefined || status !== statusCode
    ? original.call(res, status)
    : original.call(res, status, message as never);
}

/**
 * Runs `onHeaders` exactly once, right before the response headers are sent, whichever way they are
 * sent (an explicit writeHead, or the implicit one of the first write or of end). Streams get their
 * caching headers once, before the first byte. When `final()` says the headers being written are
 * already the answer, they go out untouched.
 */
export function installHeaderHook(res: ServerResponse, onHeaders: () => void, final?: () => boolean): void {
  const original = res.writeHead;
  let done = false;
  res.writeHead = function writeHead(this: ServerResponse, statusCode: number, ...rest: unknown[]): ServerResponse {
    if (done) return original.apply(this, [statusCode, ...rest] as never);
    done = true;
    return hookedWriteHead(this, original, statusCode, rest, onHeaders, final?.() === true);
  } as typeof res.writeHead;
}
