import { cacheRuleset } from '@cacheset/core';
import { html } from './html.js';
import { layout } from './layout.js';
import { htmlPage, type Rendered } from './Rendered.js';
import type { Stylesheet } from './Stylesheet.js';
import type { Visitor } from './Visitor.js';

/** A page for an unknown address, a bad request or a failure (never cached). */
@cacheRuleset('gallery.error')
export class ErrorPageView {
  constructor(
    readonly status: number,
    readonly heading: string,
    readonly message: string,
    readonly visitor: Visitor,
    readonly stylesheet: Stylesheet,
  ) {}

  render(): Rendered {
    const main = html`<section class="narrow">
      <h1>${this.heading}</h1>
      <p>${this.message}</p>
      <p><a class="button" href="/">See all images</a></p>
    </section>`;
    return htmlPage(
      layout({ title: this.heading, visitor: this.visitor, stylesheet: this.stylesheet, main }),
      this.status,
    );
  }
}
