import { setImmediate as nextTurn } from 'node:timers/promises';
import { drawArtwork, ARTWORK_STYLES } from '../images/drawArtwork.js';
import { encodeJpeg } from '../images/encodeJpeg.js';
import { encodePng } from '../images/encodePng.js';
import { makeThumbnail } from '../images/makeThumbnail.js';
import { Random } from '../images/random.js';
import type { Gallery } from '../domain/Gallery.js';
import { SEED_ADJECTIVES, SEED_AUTHORS, SEED_SIZES, SEED_WORDS } from './seedWords.js';

export interface SeedOptions {
  readonly images: number;
  /** Picks titles, styles and pictures; the same seed gives the same gallery. */
  readonly seed?: number;
  readonly now?: number;
  /** Called after each image, for progress output. */
  readonly progress?: (done: number, total: number) => void;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * Fills the gallery with generated images (no downloads): each a distinct procedural picture in one
 * of a few sizes, every third one a JPEG, with a title, a description, an author and a creation
 * time spread over the past weeks. Goes through `gallery.add`, like any other new image. Yields to
 * the event loop between images, so that the cache layers' I/O (Redis, the disk) goes on meanwhile.
 */
export async function seedGallery(gallery: Gallery, options: SeedOptions): Promise<void> {
  const random = new Random(options.seed ?? 2026);
  const now = options.now ?? Date.now();
  let createdAt = now - random.between(0.1, 0.5) * DAY;
  const used = new Set<string>();
  for (let i = 0; i < options.images; i += 1) {
    const style = ARTWORK_STYLES[i % ARTWORK_STYLES.length] ?? 'landscape';
    const words = SEED_WORDS[style];
    let title = '';
    for (let attempt = 0; attempt < 20 && (title === '' || used.has(title)); attempt += 1)
      title = `${random.pick(SEED_ADJECTIVES)} ${random.pick(words.nouns)}`;
    if (used.has(title)) title = `${title} ${i + 1}`;
    used.add(title);
    const [width, height] = SEED_SIZES[i % SEED_SIZES.length] ?? [960, 640];
    const raster = drawArtwork(random.integer(1, 2 ** 31), width, height, style);
    const full = i % 3 === 2 ? encodeJpeg(raster, 88) : encodePng(raster);
    const first = random.integer(0, words.sentences.length - 1);
    const description = [words.sentences[first], words.sentences[(first + 1) % words.sentences.length]].join(' ');
    gallery.add({
      title,
      description,
      author: random.pick(SEED_AUTHORS),
      files: { full, thumb: makeThumbnail(raster) },
      createdAt: Math.round(createdAt),
    });
    createdAt -= random.between(0.5, 3) * DAY;
    options.progress?.(i + 1, options.images);
    await nextTurn();
  }
}
