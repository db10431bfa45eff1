import { cacheRuleset } from '@cacheset/core';
import type { Image } from '../domain/Image.js';
import { html } from './html.js';
import { formatDay, layout } from './layout.js';
import { htmlPage, type Rendered } from './Rendered.js';
import type { Stylesheet } from './Stylesheet.js';
import type { Visitor } from './Visitor.js';

const TYPE_NAMES: Readonly<Record<string, string>> = { 'image/png': 'PNG', 'image/jpeg': 'JPEG' };

// #region view
/** `/images/:slug`: one image with its title, description and author. */
@cacheRuleset('gallery.image')
export class ImagePageView {
  constructor(
    readonly context: Image,
    readonly visitor: Visitor,
    readonly stylesheet: Stylesheet,
  ) {}
  // #endregion view

  render(): Rendered {
    const image = this.context;
    const main = html`<nav class="crumbs"><a href="/">← All images</a></nav>
      <article class="image-page">
        <figure class="artwork">
          <img
            src="/data/${image.id}"
            width="${image.flagged ? 960 : image.width}"
            height="${image.flagged ? 640 : image.height}"
            alt="${image.flagged ? 'Withdrawn image' : image.title}"
          />
        </figure>
        <div class="details">
          <h1>${image.title}</h1>
          ${
            image.flagged &&
            html`<p class="notice" role="status">
              This image has been withdrawn by an editor; its address shows a placeholder.
            </p>`
          }
          <p class="byline">
            by <strong>${image.author}</strong> · ${image.width} × ${image.height} ${TYPE_NAMES[image.contentType]} ·
            <time datetime="${image.updatedAt.toISOString()}">updated ${formatDay(image.updatedAt)}</time>
          </p>
          ${image.description.split(/\n{2,}/).map((paragraph) => html`<p class="description">${paragraph}</p>`)}
          <p class="links">
            <a href="/data/${image.id}">Full image</a>
            <a href="/data/${image.id}/thumb">Thumbnail</a>
          </p>
          ${this.visitor.editor && html`<p><a class="button" href="/images/${image.slug}/edit">Edit this image</a></p>`}
        </div>
      </article>`;
    return htmlPage(
      layout({
        title: image.title,
        description: image.description,
        visitor: this.visitor,
        stylesheet: this.stylesheet,
        main,
      }),
    );
  }
}
