/** The types the gallery stores and serves. */
export type ImageContentType = 'image/png' | 'image/jpeg';

/** An encoded image as it is stored in the database and sent to browsers. */
export interface ImageFile {
  readonly contentType: ImageContentType;
  readonly width: number;
  readonly height: number;
  readonly bytes: Buffer;
}

/** A full image and its thumbnail, ready to be stored together. */
export interface ImagePair {
  readonly full: ImageFile;
  readonly thumb: ImageFile;
}
