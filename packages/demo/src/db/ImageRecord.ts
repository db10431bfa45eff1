import type { ImageContentType } from '../images/ImageFile.js';

/** One image's row, with the type and size of its full image (never its bytes). */
export interface ImageRecord {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly author: string;
  readonly flagged: boolean;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Epoch milliseconds; moves to a later second on every change (HTTP dates have one-second resolution). */
  readonly updatedAt: number;
  readonly contentType: ImageContentType;
  readonly width: number;
  readonly height: number;
}

export type ImageVariant = 'full' | 'thumb';

/** What an edit may change in a row. */
export interface ImageRowChanges {
  readonly title?: string;
  readonly description?: string;
  readonly flagged?: boolean;
  readonly slug?: string;
  readonly updatedAt: number;
}
