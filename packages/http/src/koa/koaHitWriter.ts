import type { ParameterizedContext } from 'koa';
import type { PreparedHitWriter } from '../node/preparedHitWriter.js';
import { KoaCacheResponse } from './KoaCacheResponse.js';

/**
 * Writes prepared answers (RAM-cache hits and 304s) the way the Koa adapter writes the engine's:
 * headers on the node response, the status and body through `ctx`, and Koa responds after the chain,
 * so middleware further out sees the answer as it sees any other.
 */
export const KOA_HIT_WRITER: PreparedHitWriter<ParameterizedContext> = {
  open: (ctx) => new KoaCacheResponse(ctx),
  send(ctx, _response, status, body, head, noBody) {
    ctx.status = status;
    if (!head && !noBody) ctx.body = body;
  },
  sendNotModified(ctx, headers) {
    // One setHeader per name: the lines of one name, which the flat list keeps together, go as one list.
    for (let i = 0; i < headers.length;) {
      const name = headers[i] as string;
      let end = i + 2;
      while (headers[end] === name) end += 2;
      ctx.res.setHeader(
        name,
        end === i + 2 ? (headers[i + 1] as string) : headers.filter((_, at) => at > i && at < end && at % 2 === 1),
      );
      i = end;
    }
    ctx.status = 304;
  },
};
