import { PNG } from 'pngjs';
import type { ImageFile } from './ImageFile.js';
import type { RasterImage } from './RasterImage.js';

/** Encodes pixels as an opaque RGB PNG (pngjs: a kept pure-JavaScript encoder, no native build). */
export function encodePng(image: RasterImage): ImageFile {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const bytes = PNG.sync.write(png, {
    colorType: 2,
    inputColorType: 6,
    inputHasAlpha: true,
    deflateLevel: 6,
    filterType: 4,
  });
  return { contentType: 'image/png', width: image.width, height: image.height, bytes };
}
