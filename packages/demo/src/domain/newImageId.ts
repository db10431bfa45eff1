import { randomInt } from 'node:crypto';

// Without look-alikes (0/o, 1/l/i), so an id read aloud or copied by hand stays right.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A stable, unique, URL-safe id for a new image: `data/<id>` never changes, whatever is renamed. */
export function newImageId(): string {
  let id = '';
  for (let i = 0; i < 10; i += 1) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}
