/** Decoded pixels: 8-bit RGBA, row by row, no padding. */
export interface RasterImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function createRaster(width: number, height: number): RasterImage {
  return { width, height, data: new Uint8Array(width * height * 4) };
}
