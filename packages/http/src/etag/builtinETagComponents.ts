import { randomBytes } from 'node:crypto';
import { isPromiseLike } from '@cacheset/core';
import type { DateTime } from 'luxon';
import { catalogCounterComponent } from './catalogCounterComponent.js';
import type { ETagComponent } from './ETagComponent.js';

const epochSeconds = (lastModified: DateTime | undefined): string | undefined =>
  lastModified === undefined ? undefined : String(Math.floor(lastModified.toSeconds()));

/**
 * The built-in components, named as in plone.app.caching: `userid`, `roles`, `language`,
 * `lastModified`, `catalogCounter` (changes whenever any content changes), `anonymousOrRandom`, plus
 * `resourceVersion` (the deployment's version setting).
 */
export const builtinETagComponents: readonly ETagComponent[] = Object.freeze([
  { name: 'userid', value: (ctx) => ctx.user?.id },
  { name: 'roles', value: (ctx) => (ctx.user === undefined ? 'Anonymous' : [...ctx.user.roles].sort().join(';')) },
  { name: 'language', value: (ctx) => ctx.request.header('accept-language') ?? '' },
  {
    name: 'lastModified',
    value(ctx) {
      const lastModified = ctx.lastModified();
      return isPromiseLike<DateTime | undefined>(lastModified)
        ? Promise.resolve(lastModified).then(epochSeconds)
        : epochSeconds(lastModified);
    },
  },
  catalogCounterComponent(),
  { name: 'resourceVersion', value: (ctx) => ctx.resourceVersion },
  // Unique per request for logged-in users, so their validators never match a shared copy.
  {
    name: 'anonymousOrRandom',
    value: (ctx) => (ctx.user === undefined ? undefined : `${Date.now()}${randomBytes(6).toString('hex')}`),
  },
]);

/** Components whose value depends on who asks: a response keyed by them is specific to a user. */
export const USER_SPECIFIC_COMPONENTS: ReadonlySet<string> = new Set(['userid', 'anonymousOrRandom', 'roles']);
/** Components that key a response to the user or role, so a RAM copy may be shared within that key. */
export const USER_KEYING_COMPONENTS: ReadonlySet<string> = new Set(['userid', 'roles']);
