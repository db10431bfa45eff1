/** Red, green, blue in 0–255. */
export type Rgb = readonly [number, number, number];

function hex(value: string): Rgb {
  const n = Number.parseInt(value.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Five-colour palettes, dark to light, each giving the artworks drawn with it a family look. */
export const PALETTES: readonly (readonly Rgb[])[] = [
  ['#264653', '#2a9d8f', '#e9c46a', '#f4a261', '#e76f51'],
  ['#0b132b', '#1c2541', '#3a506b', '#5bc0be', '#f6f7eb'],
  ['#3a0ca3', '#7209b7', '#f72585', '#ff9e00', '#ffd60a'],
  ['#03045e', '#0077b6', '#00b4d8', '#90e0ef', '#caf0f8'],
  ['#582f0e', '#7f4f24', '#936639', '#c2a878', '#ede0d4'],
  ['#10002b', '#3c096c', '#7b2cbf', '#c77dff', '#e0aaff'],
  ['#081c15', '#2d6a4f', '#52b788', '#95d5b2', '#d8f3dc'],
  ['#2b2d42', '#8d99ae', '#d90429', '#ef233c', '#edf2f4'],
  ['#355070', '#6d597a', '#b56576', '#e56b6f', '#eaac8b'],
  ['#001219', '#005f73', '#0a9396', '#94d2bd', '#e9d8a6'],
  ['#22223b', '#4a4e69', '#9a8c98', '#c9ada7', '#f2e9e4'],
  ['#370617', '#9d0208', '#dc2f02', '#f48c06', '#ffba08'],
].map((palette) => palette.map(hex));

export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** The colour at `t` (0–1) along a palette read as a continuous gradient. */
export function along(palette: readonly Rgb[], t: number): Rgb {
  const clamped = Math.min(1, Math.max(0, t)) * (palette.length - 1);
  const i = Math.min(palette.length - 2, Math.floor(clamped));
  return mix(palette[i] as Rgb, palette[i + 1] as Rgb, clamped - i);
}
