import { implementer, IPurgeable } from '@cacheset/core';
import type { ImageRecord, ImageVariant } from '../db/ImageRecord.js';
import type { ImageFile } from '../images/ImageFile.js';
import { placeholderImages } from '../images/placeholder.js';
import type { Gallery } from './Gallery.js';

/**
 * One image of the gallery, as it is now in the database. Marked `IPurgeable`: its lifecycle events
 * (modified, renamed, removed) become `Purge` events, which every cache layer acts on.
 */
@implementer(IPurgeable)
export class Image {
  readonly gallery: Gallery;
  readonly #record: ImageRecord;

  constructor(gallery: Gallery, record: ImageRecord) {
    this.gallery = gallery;
    this.#record = record;
  }

  /** The stable unique id: the data URLs use it, so they survive renames. */
  get id(): string {
    return this.#record.id;
  }

  /** The name in the image page's URL; renaming moves the page. */
  get slug(): string {
    return this.#record.slug;
  }

  get title(): string {
    return this.#record.title;
  }

  get description(): string {
    return this.#record.description;
  }

  get author(): string {
    return this.#record.author;
  }

  /** Withdrawn by an editor (the seeds' "banned" image): its data URLs show a placeholder instead. */
  get flagged(): boolean {
    return this.#record.flagged;
  }

  get createdAt(): Date {
    return new Date(this.#record.createdAt);
  }

  get updatedAt(): Date {
    return new Date(this.#record.updatedAt);
  }

  get width(): number {
    return this.#record.width;
  }

  get height(): number {
    return this.#record.height;
  }

  get contentType(): ImageFile['contentType'] {
    return this.#record.contentType;
  }

  /** What the image's data URL shows: the stored bytes, or the placeholder while it is flagged. */
  displayedFile(variant: ImageVariant): ImageFile | undefined {
    if (this.flagged) return placeholderImages()[variant];
    return this.gallery.storedFile(this.id, variant);
  }
}
