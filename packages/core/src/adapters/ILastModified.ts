import type { DateTime } from 'luxon';
import type { AdapterToken } from './AdapterToken.js';

/**
 * Adapts a published object to the time it last changed. Must return a valid, timezone-aware luxon
 * `DateTime`, or undefined when the time is unknown. May be async (a database read).
 *
 * @example
 * bindAdapter(container, {
 *   provides: ILastModified,
 *   for: Image,
 *   factory: (image: Image) => ({ lastModified: () => DateTime.fromJSDate(image.updatedAt) }),
 * });
 */
export interface ILastModified {
  lastModified(): DateTime | undefined | Promise<DateTime | undefined>;
}

export const ILastModified: AdapterToken<ILastModified> = Symbol.for(
  'cacheset.ILastModified',
) as AdapterToken<ILastModified>;
