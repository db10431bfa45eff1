import type { Rgb } from './palettes.js';
import { createRaster, type RasterImage } from './RasterImage.js';

/** A small drawing surface for the procedural artworks: whole-image fills and alpha-blended shapes. */
export class Canvas {
  readonly image: RasterImage;

  constructor(width: number, height: number) {
    this.image = createRaster(width, height);
  }

  get width(): number {
    return this.image.width;
  }

  get height(): number {
    return this.image.height;
  }

  /** Paints every pixel with `colour(x, y)`. */
  fill(colour: (x: number, y: number) => Rgb): void {
    const { width, height, data } = this.image;
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const [r, g, b] = colour(x, y);
        const at = (y * width + x) * 4;
        data[at] = r;
        data[at + 1] = g;
        data[at + 2] = b;
        data[at + 3] = 255;
      }
    }
  }

  /** Blends `colour` over one pixel with opacity `alpha` (0–1). */
  blend(x: number, y: number, colour: Rgb, alpha: number): void {
    const { width, data } = this.image;
    const at = (y * width + x) * 4;
    data[at] = (data[at] as number) + (colour[0] - (data[at] as number)) * alpha;
    data[at + 1] = (data[at + 1] as number) + (colour[1] - (data[at + 1] as number)) * alpha;
    data[at + 2] = (data[at + 2] as number) + (colour[2] - (data[at + 2] as number)) * alpha;
  }

  /** A disc with a soft one-pixel edge. */
  disc(cx: number, cy: number, radius: number, colour: Rgb, alpha: number): void {
    const x0 = Math.max(0, Math.floor(cx - radius - 1));
    const x1 = Math.min(this.width - 1, Math.ceil(cx + radius + 1));
    const y0 = Math.max(0, Math.floor(cy - radius - 1));
    const y1 = Math.min(this.height - 1, Math.ceil(cy + radius + 1));
    for (let y = y0; y <= y1; y += 1) {
      for (let x = x0; x <= x1; x += 1) {
        const edge = radius - Math.hypot(x - cx, y - cy);
        if (edge > 0) this.blend(x, y, colour, alpha * Math.min(1, edge));
      }
    }
  }

  /** Everything below the curve `top(x)` (a ridge, a wave), with a soft edge. */
  below(top: (x: number) => number, colour: Rgb, alpha = 1): void {
    for (let x = 0; x < this.width; x += 1) {
      const edge = top(x);
      for (let y = Math.max(0, Math.floor(edge)); y < this.height; y += 1) {
        this.blend(x, y, colour, alpha * Math.min(1, y + 1 - edge));
      }
    }
  }
}
