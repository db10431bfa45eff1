import { adapter, adapterModule, ILastModified, IPurgePaths, ISurrogateKeys } from '@cacheset/core';
import type { ContainerModule } from 'inversify';
import { DateTime } from 'luxon';
import { Gallery } from '../domain/Gallery.js';
import { Image } from '../domain/Image.js';

// #region adapters
/** The URLs that show one image: its page and its two data URLs. */
export function imagePaths(image: Image): string[] {
  return [`/images/${image.slug}`, `/data/${image.id}`, `/data/${image.id}/thumb`];
}

/** The URLs that list images: the front page and the feed. */
export const LISTING_PATHS: readonly string[] = ['/', '/feed.json'];

/**
 * How the gallery's content describes itself to every cache layer, in one container module:
 * when it changed (ILastModified), which URLs show it (named IPurgePaths) and which cache tags its
 * responses carry (ISurrogateKeys). Views delegate to their `context`, so an image page, an image's
 * data and its thumbnail all answer with the image's adapters.
 */
export const galleryContentModule: ContainerModule = adapterModule(
  adapter({
    provides: ILastModified,
    for: Image,
    factory: (image: Image) => ({ lastModified: () => DateTime.fromJSDate(image.updatedAt, { zone: 'utc' }) }),
  }),
  adapter({
    provides: ILastModified,
    for: Gallery,
    factory: (gallery: Gallery) => ({ lastModified: () => DateTime.fromJSDate(gallery.changedAt, { zone: 'utc' }) }),
  }),
  adapter({
    provides: IPurgePaths,
    for: Image,
    name: 'gallery.image',
    factory: (image: Image) => ({ getRelativePaths: () => imagePaths(image), getAbsolutePaths: () => [] }),
  }),
  adapter({
    provides: IPurgePaths,
    for: Image,
    name: 'gallery.listings',
    factory: () => ({ getRelativePaths: () => LISTING_PATHS, getAbsolutePaths: () => [] }),
  }),
  adapter({
    provides: IPurgePaths,
    for: Gallery,
    name: 'gallery.listings',
    factory: () => ({ getRelativePaths: () => LISTING_PATHS, getAbsolutePaths: () => [] }),
  }),
  adapter({
    provides: ISurrogateKeys,
    for: Image,
    name: 'gallery.image',
    factory: (image: Image) => ({ getKeys: () => [`image:${image.id}`] }),
  }),
);
// #endregion adapters
