import type { ServerResponse } from 'node:http';
import type { CacheResponse } from '@cacheset/core';
import { NodeCacheResponse } from './nodeExchange.js';

/**
 * How an adapter writes prepared answers to its response object `T`. A RAM-cache hit: `open` gives
 * the CacheResponse the stored headers are replayed onto, `send` writes the status and the body
 * (`head`: the request was a HEAD; `bodyless`: the status carries no body). A 304:
 * `sendNotModified` writes the prepared headers, flat (`[name, value, ...]`). One stateless writer
 * per adapter, so an answer allocates nothing for it.
 */
export interface PreparedHitWriter<T> {
  open(target: T): CacheResponse;
  send(target: T, response: CacheResponse, status: number, body: Buffer, head: boolean, bodyless: boolean): void;
  sendNotModified(target: T, headers: readonly string[]): void;
}

/** node:http: the headers held and written with one `writeHead`. */
export const NODE_HIT_WRITER: PreparedHitWriter<ServerResponse> = {
  open(res) {
    const response = new NodeCacheResponse(res);
    response.holdHeaders();
    return response;
  },
  send(res, response, status, body, head, bodyless) {
    (response as NodeCacheResponse).writeHead(status);
    if (head || bodyless) res.end();
    else res.end(body);
  },
  sendNotModified(res, headers) {
    res.statusCode = 304;
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
