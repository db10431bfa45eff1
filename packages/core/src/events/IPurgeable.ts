import { defineInterface } from '../interfaces/InterfaceToken.js';

/**
 * Marker: lifecycle events of objects providing it are re-fired as `Purge` events (modified, moved,
 * renamed, removed, will-be-moved; not added). Mark a class with `@implementer(IPurgeable)` or one
 * object with `alsoProvides(object, IPurgeable)`.
 */
export const IPurgeable = defineInterface('cacheset.IPurgeable', {
  description: 'Objects whose lifecycle events should purge cached copies of them.',
});
