import type { ContentTypeEntry } from '@cacheset/fs';

/**
 * What the disk dump keeps, most requested first (nginx opens the first type directly and tries the
 * others in order): thumbnails fill the front page, then pages, full images and the feed, whose
 * type (application/feed+json) is not in the default table.
 */
export const DUMP_CONTENT_TYPES: readonly ContentTypeEntry[] = [
  { extension: 'png', mediaType: 'image/png' },
  { extension: 'html', mediaType: 'text/html', charset: 'utf-8', compressible: true },
  { extension: 'jpg', mediaType: 'image/jpeg' },
  { extension: 'feed', mediaType: 'application/feed+json', compressible: true },
];
