import 'reflect-metadata/lite';
import {
  EventBus,
  ObjectEvent,
  ObjectModifiedEvent,
  ObjectRemovedEvent,
  ObjectRenamedEvent,
  ObjectWillBeMovedEvent,
  Purge,
  CachesetError,
} from '@cacheset/core';
import { describe, expect, it } from 'vitest';
import { ImageRepository } from '../src/db/ImageRepository.js';
import { openDatabase } from '../src/db/openDatabase.js';
import { Gallery } from '../src/domain/Gallery.js';
import { Image } from '../src/domain/Image.js';
import { drawArtwork } from '../src/images/drawArtwork.js';
import { encodeJpeg } from '../src/images/encodeJpeg.js';
import { encodePng } from '../src/images/encodePng.js';
import { makeThumbnail } from '../src/images/makeThumbnail.js';
import { placeholderImages } from '../src/images/placeholder.js';

function galleryWithEvents(now = 1_800_000_000_000) {
  const bus = new EventBus();
  const events: string[] = [];
  bus.subscribe(ObjectEvent, (event) => {
    const name = (event.object as { slug?: string; title?: string }).slug ?? 'gallery';
    events.push(`${event.constructor.name}:${name}`);
  });
  let clock = now;
  const gallery = new Gallery({ repository: new ImageRepository(openDatabase(':memory:')), bus, now: () => clock });
  const raster = drawArtwork(7, 120, 80);
  const files = { full: encodePng(raster), thumb: makeThumbnail(raster) };
  const image = gallery.add({ title: 'Quiet Harbour', description: 'Boats.', author: 'Ada', files });
  events.length = 0;
  return { gallery, image, events, files, tick: (ms: number) => (clock += ms) };
}

describe('Gallery', () => {
  it('emits the lifecycle events of each change, after the change (before it, for a rename’s old URLs)', () => {
    const { gallery, image, events } = galleryWithEvents();
    gallery.edit(image.id, { title: 'Quiet Harbour at Dawn' });
    gallery.rename(image.id, 'dawn');
    gallery.flag(image.id);
    gallery.remove(image.id);
    // Each lifecycle event of a purgeable object is re-fired as a Purge (the bus runs that first).
    expect(events.filter((event) => !event.startsWith(Purge.name))).toEqual([
      `${ObjectModifiedEvent.name}:quiet-harbour`,
      `${ObjectWillBeMovedEvent.name}:quiet-harbour`,
      `${ObjectRenamedEvent.name}:dawn`,
      `${ObjectModifiedEvent.name}:dawn`,
      `${ObjectRemovedEvent.name}:dawn`,
      `${ObjectModifiedEvent.name}:gallery`,
    ]);
    expect(events.filter((event) => event.startsWith(Purge.name))).toEqual([
      'Purge:quiet-harbour',
      'Purge:quiet-harbour',
      'Purge:dawn',
      'Purge:dawn',
      'Purge:dawn',
      'Purge:gallery',
    ]);
    expect(gallery.movedFrom('quiet-harbour')).toBeUndefined();
  });

  it('moves updated_at to a later second on every change, so Last-Modified always changes', () => {
    const { gallery, image, tick } = galleryWithEvents();
    const first = gallery.edit(image.id, { description: 'One.' });
    tick(10);
    const second = gallery.edit(image.id, { description: 'Two.' });
    expect(Math.floor(second.updatedAt.getTime() / 1000)).toBeGreaterThan(Math.floor(first.updatedAt.getTime() / 1000));
  });

  it('redirects a former slug to the image, and lets a new image take it over', () => {
    const { gallery, image, files } = galleryWithEvents();
    gallery.rename(image.id, 'harbour');
    expect(gallery.movedFrom('quiet-harbour')?.id).toBe(image.id);
    const other = gallery.add({ title: 'Another', description: '', author: 'Bo', files, slug: 'quiet-harbour' });
    expect(gallery.findBySlug('quiet-harbour')?.id).toBe(other.id);
    expect(gallery.movedFrom('quiet-harbour')).toBeUndefined();
  });

  it('refuses a bad edit field by field and changes nothing', () => {
    const { gallery, image, files, events } = galleryWithEvents();
    const other = gallery.add({ title: 'Taken', description: '', author: 'Bo', files });
    events.length = 0;
    let error: unknown;
    try {
      gallery.edit(image.id, { title: '  ', slug: other.slug, file: Buffer.from('GIF89a not an image') });
    } catch (caught) {
      error = caught;
    }
    expect(CachesetError.is(error, 'ERR_CACHESET_DEMO_INVALID_INPUT')).toBe(true);
    expect(Object.keys((error as CachesetError).details.fields as object).sort()).toEqual(['file', 'slug', 'title']);
    expect(gallery.find(image.id)?.title).toBe('Quiet Harbour');
    expect(events).toEqual([]);
  });

  it('replaces the image with an uploaded JPEG and makes a new thumbnail; a flagged image shows the placeholder', () => {
    const { gallery, image } = galleryWithEvents();
    const jpeg = encodeJpeg(drawArtwork(9, 300, 200));
    const replaced = gallery.edit(image.id, { file: jpeg.bytes });
    expect(replaced.contentType).toBe('image/jpeg');
    expect([replaced.width, replaced.height]).toEqual([300, 200]);
    expect(replaced.displayedFile('thumb')?.width).toBe(480);
    const flagged = gallery.flag(image.id);
    expect(flagged).toBeInstanceOf(Image);
    expect(flagged.displayedFile('full')?.bytes.equals(placeholderImages().full.bytes)).toBe(true);
  });
});
