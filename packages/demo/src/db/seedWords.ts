import type { ArtworkStyle } from '../images/drawArtwork.js';

/** Words for the seeded images' titles and descriptions, by the style of the picture. */
export const SEED_WORDS: Readonly<
  Record<ArtworkStyle, { readonly nouns: readonly string[]; readonly sentences: readonly string[] }>
> = {
  landscape: {
    nouns: ['Ridge', 'Valley', 'Harbour Hills', 'Highlands', 'Pass', 'Foothills', 'Summit'],
    sentences: [
      'Layered ridges fade into the haze under a low sun.',
      'Each range is paler than the one before it, the way distance looks on a still evening.',
      'Drawn from a few overlapping sine curves; no two seeds give the same skyline.',
    ],
  },
  orbits: {
    nouns: ['Orbits', 'Bubbles', 'Lanterns', 'Moons', 'Spheres', 'Planets'],
    sentences: [
      'Translucent discs drift across a radial glow.',
      'Where the circles overlap their colours mix, as light does through coloured glass.',
      'A study in soft edges and layered transparency.',
    ],
  },
  waves: {
    nouns: ['Tide', 'Current', 'Swell', 'Shoreline', 'Breakers', 'Surf'],
    sentences: [
      'Bands of colour roll down the frame like waves reaching a beach.',
      'Every crest is a different curve, and the colours deepen towards the bottom.',
      'A calm picture for a noisy day.',
    ],
  },
  rings: {
    nouns: ['Interference', 'Ripples', 'Echoes', 'Resonance', 'Moiré', 'Pulse'],
    sentences: [
      'Two sets of rings meet and make a pattern neither has alone.',
      'The bright lines are where both waves agree; the dark ones where they cancel.',
      'Look at it from a distance and new shapes appear.',
    ],
  },
  stripes: {
    nouns: ['Stripes', 'Awning', 'Textile', 'Banners', 'Weave', 'Ribbons'],
    sentences: [
      'Diagonal stripes of uneven width, in the colours of an old deck chair.',
      'The rhythm repeats, but never quite where you expect it to.',
      'A little darker at the bottom, as if lit from above.',
    ],
  },
  mosaic: {
    nouns: ['Mosaic', 'Tiles', 'Quilt', 'Facets', 'Parquet', 'Shards'],
    sentences: [
      'Triangular tiles shift from one corner of the palette to the other.',
      'Each tile is nudged a little lighter or darker, like hand-made ceramics.',
      'A grid, but not a strict one.',
    ],
  },
};

export const SEED_ADJECTIVES: readonly string[] = [
  'Amber',
  'Quiet',
  'Northern',
  'Velvet',
  'Copper',
  'Midnight',
  'Morning',
  'Coral',
  'Silver',
  'Saffron',
  'Distant',
  'Autumn',
  'Electric',
  'Faded',
  'Golden',
  'Harbour',
  'Indigo',
  'Lantern',
  'Misty',
  'Olive',
];

export const SEED_AUTHORS: readonly string[] = [
  'Ada Okafor',
  'Bruno Lindqvist',
  'Chiara Benedetti',
  'Dmitri Volkov',
  'Elif Kaya',
  'Farah Haddad',
  'Gustavo Reyes',
  'Hana Sato',
  'Ines Moreau',
  'Jonas Becker',
];

/** The sizes of the seeded images (width × height), so the gallery has landscapes, squares and portraits. */
export const SEED_SIZES: readonly (readonly [number, number])[] = [
  [960, 640],
  [800, 800],
  [640, 800],
  [1024, 576],
];
