import { createRaster, type RasterImage } from './RasterImage.js';

/**
 * Scales an image to exactly `width` × `height`, cropping the longer side around the centre (CSS's
 * `object-fit: cover`), each target pixel the average of the source pixels it covers.
 */
export function resizeCover(source: RasterImage, width: number, height: number): RasterImage {
  const scale = Math.max(width / source.width, height / source.height);
  const cropWidth = width / scale;
  const cropHeight = height / scale;
  const left = (source.width - cropWidth) / 2;
  const top = (source.height - cropHeight) / 2;
  const target = createRaster(width, height);
  const sum = [0, 0, 0, 0];
  for (let y = 0; y < height; y += 1) {
    const y0 = Math.floor(top + y / scale);
    const y1 = Math.max(y0 + 1, Math.min(source.height, Math.floor(top + (y + 1) / scale)));
    for (let x = 0; x < width; x += 1) {
      const x0 = Math.floor(left + x / scale);
      const x1 = Math.max(x0 + 1, Math.min(source.width, Math.floor(left + (x + 1) / scale)));
      sum.fill(0);
      for (let sy = y0; sy < y1; sy += 1) {
        let at = (sy * source.width + x0) * 4;
        for (let sx = x0; sx < x1; sx += 1, at += 4) {
          for (let c = 0; c < 4; c += 1) sum[c] = (sum[c] as number) + (source.data[at + c] as number);
        }
      }
      const count = (y1 - y0) * (x1 - x0);
      const out = (y * width + x) * 4;
      for (let c = 0; c < 4; c += 1) target.data[out + c] = Math.round((sum[c] as number) / count);
    }
  }
  return target;
}
