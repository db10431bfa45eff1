import { Canvas } from './Canvas.js';
import { encodePng } from './encodePng.js';
import type { ImageFile } from './ImageFile.js';
import { THUMBNAIL_SIZE } from './makeThumbnail.js';
import type { Rgb } from './palettes.js';

const BACKGROUND_TOP: Rgb = [236, 233, 228];
const BACKGROUND_BOTTOM: Rgb = [214, 209, 201];
const SIGN: Rgb = [156, 40, 40];

/** A calm grey card with a "no entry" sign: what a flagged image's URLs show instead of the image. */
function drawPlaceholder(width: number, height: number): ImageFile {
  const canvas = new Canvas(width, height);
  canvas.fill((_x, y) => {
    const t = y / height;
    return [
      BACKGROUND_TOP[0] + (BACKGROUND_BOTTOM[0] - BACKGROUND_TOP[0]) * t,
      BACKGROUND_TOP[1] + (BACKGROUND_BOTTOM[1] - BACKGROUND_TOP[1]) * t,
      BACKGROUND_TOP[2] + (BACKGROUND_BOTTOM[2] - BACKGROUND_TOP[2]) * t,
    ];
  });
  const cx = width / 2;
  const cy = height / 2;
  const outer = Math.min(width, height) * 0.28;
  const ring = outer * 0.16;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const distance = Math.hypot(x - cx, y - cy);
      // The bar runs from top left to bottom right: distance of the pixel to that diagonal.
      const bar = Math.abs(x - cx - (y - cy)) / Math.SQRT2;
      const inRing = Math.min(outer - distance, distance - (outer - ring));
      const inBar = distance < outer - ring / 2 ? ring / 2 - bar : -1;
      const coverage = Math.max(Math.min(1, inRing + 0.5), Math.min(1, inBar + 0.5));
      if (coverage > 0) canvas.blend(x, y, SIGN, coverage);
    }
  }
  return encodePng(canvas.image);
}

let made: { readonly full: ImageFile; readonly thumb: ImageFile } | undefined;

/** The placeholder in the full and the thumbnail size, drawn once per process. */
export function placeholderImages(): { readonly full: ImageFile; readonly thumb: ImageFile } {
  made ??= { full: drawPlaceholder(960, 640), thumb: drawPlaceholder(THUMBNAIL_SIZE.width, THUMBNAIL_SIZE.height) };
  return made;
}
