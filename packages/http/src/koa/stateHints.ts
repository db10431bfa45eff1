import type { CacheHintBag } from '../node/bagHints.js';

/** The keys of `ctx.state` a Koa middleware or handler sets to name its caching (read by `BagHints`). */
export type CacheState = CacheHintBag;

declare module 'koa' {
  interface DefaultState extends CacheState {}
}
