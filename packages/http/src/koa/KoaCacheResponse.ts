import type { ParameterizedContext } from 'koa';
import { NodeCacheResponse } from '../node/nodeExchange.js';

/**
 * CacheResponse for Koa: headers on the node response (Koa's `ctx.set` writes there too), the status
 * through `ctx.status`, so that Koa knows it was set on purpose (a body set afterwards would otherwise
 * turn a 304 into a 200) and empties the body of a 304.
 */
export class KoaCacheResponse extends NodeCacheResponse {
  readonly ctx: ParameterizedContext;

  constructor(ctx: ParameterizedContext) {
    super(ctx.res);
    this.ctx = ctx;
  }

  override get status(): number {
    return this.raw.statusCode;
  }

  override set status(value: number) {
    this.ctx.status = value;
  }

  /** Koa writes intercepted answers itself, from the node response: nothing is held back. */
  override holdHeaders(): void {}
}
