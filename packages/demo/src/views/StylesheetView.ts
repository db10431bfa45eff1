import { cacheRuleset } from '@cacheset/core';
import type { Rendered } from './Rendered.js';
import type { Stylesheet } from './Stylesheet.js';

/** `/static/<version>/gallery.css`: the stylesheet, under a URL that changes with its content. */
@cacheRuleset('gallery.resource')
export class StylesheetView {
  constructor(readonly stylesheet: Stylesheet) {}

  render(): Rendered {
    return { status: 200, contentType: 'text/css; charset=utf-8', body: this.stylesheet.text };
  }
}
