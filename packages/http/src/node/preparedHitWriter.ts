import type { ServerResponse } from 'node:http';
import type { CacheResponse } from '@cacheset/core';
import { NodeCacheResponse } from './nodeExchange.js';

/**
 * How an adapter writes a prepared RAM-cache hit to its response object `T`: `open` gives the
 * CacheResponse the stored headers are replayed onto, `send` writes the status and the body (`head`:
 * the request was a HEAD; `bodyless`: the status carries no body). One stateless writer per adapter,
 * so a hit allocates nothing for it.
 */
export interface PreparedHitWriter<T> {
  open(target: T): CacheResponse;
  send(target: T, response: CacheResponse, status: number, body: Buffer, head: boolean, bodyless: boolean): void;
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
};
