/**
 * @cacheset/admin: the caching control panel. One node `(req, res)` handler, mounted under a path
 * (default `/_cacheset/`) on node:http, Express, Fastify or Koa: the layers and their health, the
 * rulesets, live policy editing, RAM, disk and purge statistics and actions, and "explain this URL";
 * the same as JSON under `api/` for the command line. Every route needs the admin token.
 *
 * @module
 */
export { CachesetAdmin, createAdmin } from './CachesetAdmin.js';
export type { AdminOptions } from './AdminOptions.js';
export type {
  AdminCaching,
  AdminDiskCache,
  AdminPolicyFile,
  AdminPreparedExplain,
  AdminPurger,
  AdminPurgeRecord,
  AdminRamCache,
  ExplainUser,
} from './AdminSources.js';
export { adminToken, MIN_TOKEN_LENGTH, type AdminTokenSource } from './auth/adminToken.js';
export type { LoginBackoff } from './auth/LoginThrottle.js';
export { SESSION_COOKIE } from './auth/AdminAuth.js';
export { AdminErrorCodes, type AdminErrorCode } from './errors/adminErrorCodes.js';
export type * from './api/AdminApiTypes.js';
