import { cacheRuleset } from '@cacheset/core';
import type { Gallery } from '../domain/Gallery.js';
import type { Rendered } from './Rendered.js';

/** How many images the feed carries. */
export const FEED_SIZE = 20;

/** `/feed.json`: the newest images as a JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). */
@cacheRuleset('gallery.feed')
export class FeedView {
  constructor(
    readonly context: Gallery,
    /** The site's public address: a feed's URLs must be absolute. */
    readonly baseUrl: string,
  ) {}

  render(): Rendered {
    const base = this.baseUrl.replace(/\/+$/, '');
    const items = this.context
      .newest(FEED_SIZE)
      .filter((image) => !image.flagged)
      .map((image) => ({
        id: image.id,
        url: `${base}/images/${image.slug}`,
        title: image.title,
        content_text: image.description,
        image: `${base}/data/${image.id}`,
        date_published: image.createdAt.toISOString(),
        date_modified: image.updatedAt.toISOString(),
        authors: [{ name: image.author }],
      }));
    const feed = {
      version: 'https://jsonfeed.org/version/1.1',
      title: this.context.title,
      home_page_url: `${base}/`,
      feed_url: `${base}/feed.json`,
      description: 'The newest images of the cacheset gallery.',
      language: 'en',
      items,
    };
    return { status: 200, contentType: 'application/feed+json', body: `${JSON.stringify(feed, null, 2)}\n` };
  }
}
