import { encodePng } from './encodePng.js';
import type { ImageFile } from './ImageFile.js';
import type { RasterImage } from './RasterImage.js';
import { resizeCover } from './resizeCover.js';

/** Every thumbnail has one size and shape, so the front page's grid lines up. */
export const THUMBNAIL_SIZE = { width: 480, height: 360 } as const;

/** The thumbnail stored beside an image: cropped to 4:3 around the centre, as a PNG. */
export function makeThumbnail(image: RasterImage): ImageFile {
  return encodePng(resizeCover(image, THUMBNAIL_SIZE.width, THUMBNAIL_SIZE.height));
}
