import type { ParameterizedContext } from 'koa';
import { eachPreparedHeader, type PreparedHitWriter } from '../node/preparedHitWriter.js';
import { headerText } from '../node/nodeExchange.js';

/**
 * Writes prepared answers (RAM-cache hits and 304s) the way the Koa adapter writes the engine's:
 * headers on the node response, the status and body through `ctx`, and Koa responds after the chain,
 * so middleware further out sees the answer as it sees any other.
 */
export const KOA_HIT_WRITER: PreparedHitWriter<ParameterizedContext> = {
  headerOf: (ctx, name) => headerText(ctx.res.getHeader(name)),
  sendHit(ctx, status, headers, body, head, noBody) {
    // The status first, as the engine's replay sets it: Koa empties a 204's headers when it is set.
    ctx.status = status;
    eachPreparedHeader(headers, (name, value) => ctx.res.setHeader(name, value));
    if (!head && !noBody) ctx.body = body;
  },
  sendNotModified(ctx, headers) {
    eachPreparedHeader(headers, (name, value) => ctx.res.setHeader(name, value));
    ctx.status = 304;
  },
};
