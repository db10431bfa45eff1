import {
  implementer,
  IPurgeable,
  ObjectAddedEvent,
  ObjectModifiedEvent,
  ObjectRemovedEvent,
  ObjectRenamedEvent,
  ObjectWillBeMovedEvent,
  type EventBus,
} from '@cacheset/core';
import type { ImageRepository } from '../db/ImageRepository.js';
import type { ImageRowChanges, ImageVariant } from '../db/ImageRecord.js';
import type { ImageFile, ImagePair } from '../images/ImageFile.js';
import { prepareUpload } from '../images/prepareUpload.js';
import { demoError, DemoErrorCodes, invalidInput, type FieldErrors } from './DemoErrorCodes.js';
import { Image } from './Image.js';
import type { ImageChanges } from './ImageChanges.js';
import { descriptionProblem, slugify, slugProblem, titleProblem } from './imageRules.js';
import { newImageId } from './newImageId.js';

/** A new image for `gallery.add`. */
export interface NewImage {
  readonly title: string;
  readonly description: string;
  readonly author: string;
  readonly files: ImagePair;
  /** Default: made from the title, made unique. */
  readonly slug?: string;
  /** Epoch ms. Default: now (the seed spreads its images over the past weeks). */
  readonly createdAt?: number;
}

export interface GalleryOptions {
  readonly repository: ImageRepository;
  /** Where the lifecycle events go: the cache layers listen there. */
  readonly bus: EventBus;
  readonly title?: string;
  readonly now?: () => number;
}

/**
 * The gallery: the container of every image, and the only way to change one. Each method changes
 * the database, then tells the bus what happened with zope's lifecycle events; it knows nothing of
 * caches. Both are `IPurgeable`, so the events become `Purge`s that every cache layer acts on.
 *
 * - `edit` → `ObjectModifiedEvent` (and a rename's events when the slug changes)
 * - `flag` / `unflag` → `ObjectModifiedEvent`
 * - `rename` → `ObjectWillBeMovedEvent` (old URLs), then `ObjectRenamedEvent` (new URLs)
 * - `remove` → `ObjectRemovedEvent`, and `ObjectModifiedEvent` for the gallery
 * - `add` → `ObjectAddedEvent` (a new object has nothing cached), and `ObjectModifiedEvent` for the
 *   gallery, whose listings now show one image more
 */
@implementer(IPurgeable)
export class Gallery {
  readonly title: string;
  readonly #repository: ImageRepository;
  readonly #bus: EventBus;
  readonly #now: () => number;

  constructor(options: GalleryOptions) {
    this.title = options.title ?? 'cacheset gallery';
    this.#repository = options.repository;
    this.#bus = options.bus;
    this.#now = options.now ?? Date.now;
  }

  /** When any image was last added, changed or removed (the listings' modification time). */
  get changedAt(): Date {
    return new Date(this.#repository.galleryChangedAt() ?? 0);
  }

  find(id: string): Image | undefined {
    const record = this.#repository.findById(id);
    return record === undefined ? undefined : new Image(this, record);
  }

  findBySlug(slug: string): Image | undefined {
    const record = this.#repository.findBySlug(slug);
    return record === undefined ? undefined : new Image(this, record);
  }

  /** The image a former slug belongs to now (after a rename), if any. */
  movedFrom(oldSlug: string): Image | undefined {
    const id = this.#repository.redirectOf(oldSlug);
    return id === undefined ? undefined : this.find(id);
  }

  newest(limit: number): Image[] {
    return this.#repository.newest(limit).map((record) => new Image(this, record));
  }

  count(): number {
    return this.#repository.count();
  }

  /** The bytes stored for an image (whatever its flag says; `Image.displayedFile` applies the flag). */
  storedFile(id: string, variant: ImageVariant): ImageFile | undefined {
    return this.#repository.file(id, variant);
  }

  add(image: NewImage): Image {
    const problems = collect({
      title: titleProblem(image.title),
      description: descriptionProblem(image.description),
      ...(image.slug === undefined ? {} : { slug: this.#slugProblem(image.slug, undefined) }),
    });
    if (problems !== undefined) throw invalidInput(problems);
    const now = this.#now();
    const id = newImageId();
    const slug = image.slug ?? this.#uniqueSlug(slugify(image.title));
    this.#repository.transaction(() => {
      this.#repository.dropRedirect(slug);
      this.#repository.insert(
        {
          id,
          slug,
          title: image.title.trim(),
          description: image.description,
          author: image.author,
          flagged: false,
          createdAt: image.createdAt ?? now,
          updatedAt: image.createdAt ?? now,
        },
        image.files,
      );
      this.#repository.touchGallery(this.title, now);
    });
    const added = this.#get(id);
    this.#bus.notify(new ObjectAddedEvent(added, this, slug));
    this.#bus.notify(new ObjectModifiedEvent(this, 'images'));
    return added;
  }

  /**
   * Changes any of title, description, flag, slug and file at once. Everything is checked first;
   * a refused edit (`ERR_CACHESET_DEMO_INVALID_INPUT`, with a message per field) changes nothing.
   */
  edit(id: string, changes: ImageChanges): Image {
    const image = this.#get(id);
    const slug = changes.slug === undefined || changes.slug === image.slug ? undefined : changes.slug;
    let files: ImagePair | undefined;
    const fields: Record<string, string | undefined> = {
      ...(changes.title === undefined ? {} : { title: titleProblem(changes.title) }),
      ...(changes.description === undefined ? {} : { description: descriptionProblem(changes.description) }),
      ...(slug === undefined ? {} : { slug: this.#slugProblem(slug, id) }),
    };
    if (changes.file !== undefined) {
      try {
        files = prepareUpload(changes.file);
      } catch (error) {
        fields.file = error instanceof Error ? error.message : String(error);
      }
    }
    const problems = collect(fields);
    if (problems !== undefined) throw invalidInput(problems);

    const modified = [
      ...(changes.title !== undefined && changes.title.trim() !== image.title ? ['title'] : []),
      ...(changes.description !== undefined && changes.description !== image.description ? ['description'] : []),
      ...(changes.flagged !== undefined && changes.flagged !== image.flagged ? ['flagged'] : []),
      ...(files === undefined ? [] : ['file']),
    ];
    if (slug === undefined && modified.length === 0) return image;

    // #region events
    // While the old URLs are still right: caches drop what they hold for them.
    if (slug !== undefined) this.#bus.notify(new ObjectWillBeMovedEvent(image, this, image.slug, this, slug));
    const row: ImageRowChanges = {
      updatedAt: this.#nextUpdate(image),
      ...(changes.title === undefined ? {} : { title: changes.title.trim() }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
      ...(changes.flagged === undefined ? {} : { flagged: changes.flagged }),
      ...(slug === undefined ? {} : { slug }),
    };
    this.#repository.transaction(() => {
      if (slug !== undefined) this.#repository.dropRedirect(slug);
      this.#repository.update(id, row, files);
      if (slug !== undefined) this.#repository.addRedirect(image.slug, id);
      this.#repository.touchGallery(this.title, row.updatedAt);
    });
    const changed = this.#get(id);
    if (slug !== undefined) this.#bus.notify(new ObjectRenamedEvent(changed, this, image.slug, slug));
    if (modified.length > 0) this.#bus.notify(new ObjectModifiedEvent(changed, ...modified));
    // #endregion events
    return changed;
  }

  /** Withdraws an image: its page says so and its data URLs show a placeholder. */
  flag(id: string): Image {
    return this.edit(id, { flagged: true });
  }

  unflag(id: string): Image {
    return this.edit(id, { flagged: false });
  }

  /** Moves the image page to a new URL name; the old one answers with a permanent redirect. */
  rename(id: string, slug: string): Image {
    return this.edit(id, { slug });
  }

  remove(id: string): void {
    const image = this.#get(id);
    this.#repository.transaction(() => {
      this.#repository.delete(id);
      this.#repository.touchGallery(this.title, this.#now());
    });
    this.#bus.notify(new ObjectRemovedEvent(image, this, image.slug));
    this.#bus.notify(new ObjectModifiedEvent(this, 'images'));
  }

  /** Removes every image (the seed command starts from an empty gallery). */
  clear(): void {
    for (const image of this.newest(Number.MAX_SAFE_INTEGER)) this.remove(image.id);
  }

  #get(id: string): Image {
    const image = this.find(id);
    if (image === undefined) throw demoError(DemoErrorCodes.NOT_FOUND, `No image has the id "${id}".`, { id });
    return image;
  }

  /**
   * The next `updated_at`: now, but always in a later second than the previous value. HTTP dates
   * have one-second resolution, so two edits within one second would otherwise share a
   * Last-Modified, and a browser holding the first would be told 304 for the second.
   */
  #nextUpdate(image: Image): number {
    const previous = image.updatedAt.getTime();
    return Math.max(this.#now(), (Math.floor(previous / 1000) + 1) * 1000);
  }

  #slugProblem(slug: string, ownId: string | undefined): string | undefined {
    const problem = slugProblem(slug);
    if (problem !== undefined) return problem;
    const holder = this.#repository.findBySlug(slug);
    if (holder !== undefined && holder.id !== ownId)
      return `"${slug}" is the URL of "${holder.title}"; choose another.`;
    return undefined;
  }

  #uniqueSlug(base: string): string {
    let slug = base;
    for (let n = 2; this.#repository.findBySlug(slug) !== undefined; n += 1) slug = `${base}-${n}`;
    return slug;
  }
}

function collect(fields: Readonly<Record<string, string | undefined>>): FieldErrors | undefined {
  const problems = Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return Object.keys(problems).length === 0 ? undefined : problems;
}
