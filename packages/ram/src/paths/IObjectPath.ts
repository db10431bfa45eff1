import { defineAdapterToken, type AdapterToken } from '@cacheset/core';

/**
 * Adapts an object to its path, the way Zope objects know their physical path: the value cache files
 * an object's entries under it, and a `Purge` of the object invalidates everything at or under it.
 * Bind one per content class in the application's container; a view without its own uses its
 * context's.
 *
 * @example
 * bindAdapter(container, { provides: IObjectPath, for: Image, factory: (image: Image) => ({ getPath: () => `/images/${image.slug}` }) });
 */
export interface IObjectPath {
  /** The object's path, starting with `/`. */
  getPath(): string;
}

export const IObjectPath: AdapterToken<IObjectPath> = defineAdapterToken<IObjectPath>('cacheset.ram.IObjectPath');
