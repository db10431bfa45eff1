import { cacheRuleset } from '@cacheset/core';
import type { ImageVariant } from '../db/ImageRecord.js';
import type { Image } from '../domain/Image.js';
import type { Rendered } from './Rendered.js';

// #region view
/** `/data/:id` and `/data/:id/thumb`: the image's bytes from the database (the placeholder when flagged). */
@cacheRuleset('gallery.imageData')
export class ImageDataView {
  constructor(
    readonly context: Image,
    readonly variant: ImageVariant,
  ) {}

  render(): Rendered | undefined {
    const file = this.context.displayedFile(this.variant);
    return file === undefined ? undefined : { status: 200, contentType: file.contentType, body: file.bytes };
  }
}
// #endregion view
