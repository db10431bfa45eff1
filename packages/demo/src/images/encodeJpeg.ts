import jpeg from 'jpeg-js';
import type { ImageFile } from './ImageFile.js';
import type { RasterImage } from './RasterImage.js';

/** Encodes pixels as a baseline JPEG (jpeg-js, pure JavaScript); `quality` 1–100. */
export function encodeJpeg(image: RasterImage, quality = 85): ImageFile {
  const { data } = jpeg.encode({ width: image.width, height: image.height, data: image.data }, quality);
  return { contentType: 'image/jpeg', width: image.width, height: image.height, bytes: data };
}
