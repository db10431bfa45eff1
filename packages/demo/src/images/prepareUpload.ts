import { decodeImage } from './decodeImage.js';
import type { ImagePair } from './ImageFile.js';
import { makeThumbnail } from './makeThumbnail.js';

/**
 * An uploaded file made ready to store: validated and decoded (see `decodeImage`), kept as the bytes
 * that were sent (a PNG stays a PNG, a JPEG a JPEG), with a new thumbnail.
 */
export function prepareUpload(bytes: Buffer): ImagePair {
  const { type, raster } = decodeImage(bytes);
  return {
    full: { contentType: type, width: raster.width, height: raster.height, bytes },
    thumb: makeThumbnail(raster),
  };
}
