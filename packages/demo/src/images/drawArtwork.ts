import { Canvas } from './Canvas.js';
import { along, mix, PALETTES, type Rgb } from './palettes.js';
import { Random } from './random.js';
import type { RasterImage } from './RasterImage.js';

/** The kinds of picture the seed draws; each seed picks one, a palette and its own proportions. */
export const ARTWORK_STYLES = ['landscape', 'orbits', 'waves', 'rings', 'stripes', 'mosaic'] as const;
export type ArtworkStyle = (typeof ARTWORK_STYLES)[number];

/** A smooth random curve: a few sines of random frequency and phase, `amplitude` high around `base`. */
function ridge(random: Random, base: number, amplitude: number, width: number): (x: number) => number {
  const terms = Array.from({ length: 4 }, (_, i) => ({
    frequency: (random.between(0.5, 1.5) * (i + 1) * Math.PI * 2) / width,
    phase: random.between(0, Math.PI * 2),
    weight: amplitude / (i + 1.4),
  }));
  return (x) => base + terms.reduce((sum, term) => sum + Math.sin(x * term.frequency + term.phase) * term.weight, 0);
}

function landscape(canvas: Canvas, random: Random, palette: readonly Rgb[]): void {
  const { width, height } = canvas;
  const sky = random.next() < 0.5;
  canvas.fill((_x, y) => along(sky ? palette.slice(2) : [...palette].reverse().slice(0, 3), y / height));
  const sunX = random.between(0.2, 0.8) * width;
  const sunY = random.between(0.2, 0.45) * height;
  const sunColour = sky ? mix(palette[4] as Rgb, [255, 255, 255], 0.4) : (palette[3] as Rgb);
  canvas.disc(sunX, sunY, height * random.between(0.18, 0.26), sunColour, 0.25);
  canvas.disc(sunX, sunY, height * random.between(0.08, 0.13), sunColour, 0.95);
  const layers = random.integer(3, 5);
  for (let i = 0; i < layers; i += 1) {
    const depth = i / (layers - 1);
    const base = height * (0.45 + depth * 0.4);
    const colour = mix(palette[1] as Rgb, palette[0] as Rgb, depth);
    canvas.below(ridge(random, base, height * (0.12 - depth * 0.06), width), colour, 0.85 + depth * 0.15);
  }
}

function orbits(canvas: Canvas, random: Random, palette: readonly Rgb[]): void {
  const { width, height } = canvas;
  const cx = random.between(0.3, 0.7) * width;
  const cy = random.between(0.3, 0.7) * height;
  const reach = Math.hypot(width, height) * 0.7;
  canvas.fill((x, y) => along(palette.slice(0, 3), Math.hypot(x - cx, y - cy) / reach));
  const count = random.integer(9, 16);
  for (let i = 0; i < count; i += 1) {
    const radius = Math.min(width, height) * random.between(0.04, 0.24);
    canvas.disc(
      random.next() * width,
      random.next() * height,
      radius,
      random.pick(palette.slice(2)),
      0.3 + 0.5 * random.next(),
    );
  }
}

function waves(canvas: Canvas, random: Random, palette: readonly Rgb[]): void {
  const { width, height } = canvas;
  canvas.fill((_x, y) => mix(palette[4] as Rgb, palette[3] as Rgb, y / height));
  const bands = random.integer(5, 8);
  for (let i = 0; i < bands; i += 1) {
    const base = height * (0.15 + (0.85 * (i + 1)) / (bands + 1));
    canvas.below(ridge(random, base, height * 0.06, width), along(palette, 1 - (i + 1) / bands), 0.92);
  }
}

function rings(canvas: Canvas, random: Random, palette: readonly Rgb[]): void {
  const { width, height } = canvas;
  const a = [random.between(0, 1) * width, random.between(0, 1) * height] as const;
  const b = [random.between(0, 1) * width, random.between(0, 1) * height] as const;
  const frequency = random.between(0.025, 0.06);
  canvas.fill((x, y) => {
    const wave =
      Math.sin(Math.hypot(x - a[0], y - a[1]) * frequency) + Math.sin(Math.hypot(x - b[0], y - b[1]) * frequency);
    return along(palette, (wave + 2) / 4);
  });
}

function stripes(canvas: Canvas, random: Random, palette: readonly Rgb[]): void {
  const { height } = canvas;
  const angle = random.between(-0.9, 0.9);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const widths = Array.from({ length: 9 }, () => random.between(12, 70));
  const period = widths.reduce((sum, w) => sum + w, 0);
  canvas.fill((x, y) => {
    let along_ = (((x * cos + y * sin) % period) + period) % period;
    let band = 0;
    while (along_ > (widths[band] as number)) along_ -= widths[band++] as number;
    const shade = 0.85 + 0.15 * (y / height);
    const colour = palette[band % palette.length] as Rgb;
    return [colour[0] * shade, colour[1] * shade, colour[2] * shade];
  });
}

function mosaic(canvas: Canvas, random: Random, palette: readonly Rgb[]): void {
  const { width, height } = canvas;
  const size = random.integer(36, 72);
  const columns = Math.ceil(width / size);
  const shift = Array.from({ length: columns * Math.ceil(height / size) * 2 }, () => random.between(-0.12, 0.12));
  canvas.fill((x, y) => {
    const column = Math.floor(x / size);
    const row = Math.floor(y / size);
    const upper = x % size > y % size ? 1 : 0;
    const t =
      (column / columns + row / Math.ceil(height / size)) / 2 + (shift[(row * columns + column) * 2 + upper] as number);
    return along(palette, t);
  });
}

const DRAW: Readonly<Record<ArtworkStyle, (canvas: Canvas, random: Random, palette: readonly Rgb[]) => void>> = {
  landscape,
  orbits,
  waves,
  rings,
  stripes,
  mosaic,
};

/**
 * Draws a procedural picture: the seed picks the style, the palette and every proportion, so each
 * image of the seeded gallery is distinct and the same seed always gives the same pixels.
 */
export function drawArtwork(seed: number, width: number, height: number, style?: ArtworkStyle): RasterImage {
  const random = new Random(seed);
  const chosen = style ?? random.pick(ARTWORK_STYLES);
  const palette = random.pick(PALETTES);
  const canvas = new Canvas(width, height);
  DRAW[chosen](canvas, random, palette);
  return canvas.image;
}
