/**
 * @cacheset/http/koa: the Koa 3 adapter. Koa is imported for its types only; the adapter runs on the
 * node:http core of @cacheset/http.
 *
 * @module
 */
export { cachesetKoa, type KoaCaching } from './cachesetKoa.js';
export type { CacheState } from './stateHints.js';
export { setCacheRuleset, setPublished } from '../node/routeHints.js';
