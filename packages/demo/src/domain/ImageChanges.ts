import { invalidInput } from './DemoErrorCodes.js';

/** What an edit may change; fields left out stay as they are. The form and the API both send this. */
export interface ImageChanges {
  readonly title?: string;
  readonly description?: string;
  readonly flagged?: boolean;
  /** A new URL name: the image page moves, and the old URL redirects to the new one. */
  readonly slug?: string;
  /** A new PNG or JPEG file (the form's "replace image"); a new thumbnail is made from it. */
  readonly file?: Buffer;
}

const API_KEYS = ['title', 'description', 'flagged', 'slug'] as const;

/**
 * Reads an API request body: a JSON object with some of `title`, `description`, `flagged`, `slug`.
 * Every problem (not an object, an unknown key, a wrong type) is reported by field, together.
 */
export function imageChangesFromJson(body: unknown): ImageChanges {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalidInput({ body: `send a JSON object with any of ${API_KEYS.join(', ')}.` });
  const fields: Record<string, string> = {};
  const changes: { -readonly [K in keyof ImageChanges]: ImageChanges[K] } = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'flagged') {
      if (typeof value === 'boolean') changes.flagged = value;
      else fields.flagged = 'must be true or false.';
    } else if (key === 'title' || key === 'description' || key === 'slug') {
      if (typeof value === 'string') changes[key] = value;
      else fields[key] = 'must be a string.';
    } else {
      fields[key] = `unknown field; the API accepts ${API_KEYS.join(', ')}.`;
    }
  }
  if (Object.keys(fields).length > 0) throw invalidInput(fields);
  if (Object.keys(changes).length === 0)
    throw invalidInput({ body: `nothing to change; send any of ${API_KEYS.join(', ')}.` });
  return changes;
}
