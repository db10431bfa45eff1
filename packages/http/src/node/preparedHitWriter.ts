import type { ServerResponse } from 'node:http';
import { headerText } from './nodeExchange.js';

/**
 * How an adapter writes prepared answers to its response object `T`. A RAM-cache hit: `sendHit`
 * writes the status, the headers (flat: `[name, value, ...]`) and the body (`head`: the request was
 * a HEAD; `bodyless`: the status carries no body); `headerOf` reads a header the target already
 * carries (the hit's Cache-Status appends to one). A 304: `sendNotModified` writes the prepared
 * headers, flat. One stateless writer per adapter, so an answer allocates nothing for it.
 */
export interface PreparedHitWriter<T> {
  headerOf(target: T, name: string): string | undefined;
  sendHit(target: T, status: number, headers: readonly string[], body: Buffer, head: boolean, bodyless: boolean): void;
  sendNotModified(target: T, headers: readonly string[]): void;
}

/** node:http: every header in one `writeHead` (merged by Node with any the application set before). */
export const NODE_HIT_WRITER: PreparedHitWriter<ServerResponse> = {
  headerOf: (res, name) => headerText(res.getHeader(name)),
  sendHit(res, status, headers, body, head, bodyless) {
    res.writeHead(status, headers as string[]);
    if (head || bodyless) res.end();
    else res.end(body);
  },
  sendNotModified(res, headers) {
    res.writeHead(304, headers as string[]);
    res.end();
  },
};

/**
 * Each header of a flat list (`[name, value, ...]`) once, for writers whose setter replaces a header
 * set before: the lines of one name, which the flat list keeps together, come as one list.
 */
export function eachPreparedHeader(
  headers: readonly string[],
  set: (name: string, value: string | string[]) => void,
): void {
  for (let i = 0; i < headers.length;) {
    const name = headers[i] as string;
    let end = i + 2;
    while (headers[end] === name) end += 2;
    set(
      name,
      end === i + 2 ? (headers[i + 1] as string) : headers.filter((_, at) => at > i && at < end && at % 2 === 1),
    );
    i = end;
  }
}
