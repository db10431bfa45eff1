/**
 * @cacheset/http/express: the Express 5 adapter. Express is imported for its types only; the
 * adapter runs on the node:http core of @cacheset/http.
 *
 * @module
 */
export { cachesetExpress, type ExpressCaching } from './cachesetExpress.js';
export type { CacheLocals } from './localsHints.js';
export { setCacheRuleset, setPublished } from '../node/routeHints.js';
