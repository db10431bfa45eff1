/**
 * @cacheset/http/fastify: the Fastify 5 plugin. Fastify is imported for its types only; the plugin
 * runs the same session as the node:http core, through Fastify's hooks and reply API.
 *
 * @module
 */
export { cachesetFastify, type CachesetFastifyOptions } from './cachesetFastify.js';
export type { CachesetRouteConfig } from './fastifyTypes.js';
export { setCacheRuleset, setPublished } from '../node/routeHints.js';
