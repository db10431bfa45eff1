import type { ParameterizedContext } from 'koa';
import { flatHeaders } from '../node/headerPairs.js';
import { NodeCacheResponse } from '../node/nodeExchange.js';

/**
 * CacheResponse for Koa: headers on the node response (Koa's `ctx.set` writes there too), the status
 * through `ctx.status`, so that Koa knows it was set on purpose (a body set afterwards would otherwise
 * turn a 304 into a 200) and empties the body of a 304.
 */
export class KoaCacheResponse extends NodeCacheResponse {
  readonly ctx: ParameterizedContext;
  /** The names set through this response, as set, in order: what a prepared 304 is learnt from. */
  #names: string[] | undefined;

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

  override setHeader(name: string, value: string | readonly string[]): void {
    super.setHeader(name, value);
    const names = (this.#names ??= []);
    const key = name.toLowerCase();
    if (!names.some((known) => known.toLowerCase() === key)) names.push(name);
  }

  override removeHeader(name: string): void {
    super.removeHeader(name);
    const key = name.toLowerCase();
    const at = this.#names?.findIndex((known) => known.toLowerCase() === key) ?? -1;
    if (at >= 0) this.#names?.splice(at, 1);
  }

  /**
   * The headers set through this response and still on it, flat (`[name, value, ...]`), names as set
   * (Node writes them so): cacheset's answer, without what the application's middleware put there.
   */
  writtenHeaders(): string[] {
    return flatHeaders(this.#names ?? [], (name) => this.raw.getHeader(name));
  }
}
