import type { CacheHintBag } from '../node/bagHints.js';

/** The keys of `res.locals` a handler sets to name its caching late (read by `BagHints`). */
export type CacheLocals = CacheHintBag;

declare global {
  // Express types res.locals through this global namespace; the augmentation types the two keys.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals extends CacheLocals {}
  }
}
