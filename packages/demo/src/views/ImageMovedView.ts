import { cacheRuleset } from '@cacheset/core';
import type { Image } from '../domain/Image.js';
import { html } from './html.js';
import type { Rendered } from './Rendered.js';

/** A renamed image's old address: a permanent redirect to where it lives now (never cached). */
@cacheRuleset('gallery.moved')
export class ImageMovedView {
  constructor(
    readonly context: Image,
    /** What followed the slug in the old URL (`/edit`), kept on the way. */
    readonly rest = '',
  ) {}

  render(): Rendered {
    const location = `/images/${encodeURIComponent(this.context.slug)}${this.rest}`;
    return {
      status: 301,
      contentType: 'text/html; charset=utf-8',
      body: html`<p>Moved to <a href="${location}">${location}</a>.</p>`.text,
      location,
    };
  }
}
