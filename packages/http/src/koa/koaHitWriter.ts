import type { ParameterizedContext } from 'koa';
import { eachPreparedHeader, type PreparedHitWriter } from '../node/preparedHitWriter.js';
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
    eachPreparedHeader(headers, (name, value) => ctx.res.setHeader(name, value));
    ctx.status = 304;
  },
};
