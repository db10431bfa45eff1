import { cacheRuleset } from '@cacheset/core';
import type { Gallery } from '../domain/Gallery.js';
import type { Image } from '../domain/Image.js';
import { THUMBNAIL_SIZE } from '../images/makeThumbnail.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { htmlPage, type Rendered } from './Rendered.js';
import type { Stylesheet } from './Stylesheet.js';
import type { Visitor } from './Visitor.js';

/** How many images the front page lists. */
export const FRONT_PAGE_SIZE = 36;

function card(image: Image): SafeHtml {
  return html`<li class="card${image.flagged ? ' card-flagged' : ''}">
    <a class="card-link" href="/images/${image.slug}">
      <img
        class="card-image"
        src="/data/${image.id}/thumb"
        width="${THUMBNAIL_SIZE.width}"
        height="${THUMBNAIL_SIZE.height}"
        alt="${image.flagged ? 'Withdrawn image' : image.title}"
        loading="lazy"
      />
      <span class="card-text">
        <span class="card-title">${image.title}</span>
        <span class="card-meta"
          >${image.flagged ? html`<span class="tag">Withdrawn</span>` : `by ${image.author}`}</span
        >
      </span>
    </a>
  </li>`;
}

// #region view
/** `/`: the newest images, as a grid of thumbnails and titles. */
@cacheRuleset('gallery.frontpage')
export class FrontPageView {
  constructor(
    readonly context: Gallery,
    readonly visitor: Visitor,
    readonly stylesheet: Stylesheet,
  ) {}
  // #endregion view

  render(): Rendered {
    const images = this.context.newest(FRONT_PAGE_SIZE);
    const total = this.context.count();
    const main = html`<section class="intro">
        <h1>${this.context.title}</h1>
        <p class="lede">
          ${
            total === 0
              ? 'No images yet.'
              : `${total} ${total === 1 ? 'image' : 'images'}, newest first${total > images.length ? ` (the ${images.length} newest shown)` : ''}.`
          }
          Every page, thumbnail and image here is cached by policy, in RAM, on disk and in any proxy in front, and an
          edit refreshes exactly what it changed.
        </p>
      </section>
      <ul class="grid">
        ${images.map(card)}
      </ul>`;
    return htmlPage(
      layout({ title: this.context.title, visitor: this.visitor, stylesheet: this.stylesheet, main, section: 'home' }),
    );
  }
}
