import { CachesetError } from '@cacheset/core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DemoErrorCodes, demoError } from '../domain/DemoErrorCodes.js';
import type { ImageContentType } from './ImageFile.js';
import type { RasterImage } from './RasterImage.js';

/** The limits an upload must fit, so that one file cannot exhaust the server's memory. */
export const UPLOAD_LIMITS = {
  /** Bytes of the uploaded file. */
  maxBytes: 8 * 1024 * 1024,
  /** Pixels on either side. */
  maxSide: 6000,
  /** Pixels in all (decoded RGBA takes 4 bytes each). */
  maxPixels: 24_000_000,
} as const;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The type the bytes really are (by their signature, never by a file name or a declared type). */
export function sniffImageType(bytes: Uint8Array): ImageContentType | undefined {
  if (bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}

function invalid(message: string, cause?: unknown) {
  return demoError(DemoErrorCodes.INVALID_IMAGE, message, {}, cause);
}

function checkSize(width: number, height: number): void {
  if (width < 1 || height < 1 || width > UPLOAD_LIMITS.maxSide || height > UPLOAD_LIMITS.maxSide)
    throw invalid(`the image is ${width}×${height} pixels; each side must be 1 to ${UPLOAD_LIMITS.maxSide} pixels.`);
  if (width * height > UPLOAD_LIMITS.maxPixels)
    throw invalid(`the image has ${width * height} pixels; at most ${UPLOAD_LIMITS.maxPixels} are accepted.`);
}

/** A PNG's size from its IHDR chunk, read before decoding so that a huge image is refused cheaply. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') throw invalid('the PNG file is truncated.');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * Decodes an uploaded PNG or JPEG to pixels, refusing anything else: a wrong type, a file over the
 * size limit, dimensions over the limits, or bytes that do not decode. Errors are
 * `ERR_CACHESET_DEMO_INVALID_IMAGE` with a message for the person who sent the file.
 */
export function decodeImage(bytes: Buffer): { readonly type: ImageContentType; readonly raster: RasterImage } {
  if (bytes.length === 0) throw invalid('the file is empty; choose a PNG or JPEG image.');
  if (bytes.length > UPLOAD_LIMITS.maxBytes)
    throw invalid(
      `the file has ${bytes.length} bytes; images of at most ${UPLOAD_LIMITS.maxBytes} bytes are accepted.`,
    );
  const type = sniffImageType(bytes);
  if (type === undefined) throw invalid('the file is not a PNG or JPEG image; choose a .png or .jpg file.');
  if (type === 'image/png') {
    const { width, height } = pngSize(bytes);
    checkSize(width, height);
    try {
      const png = PNG.sync.read(bytes);
      return { type, raster: { width: png.width, height: png.height, data: png.data } };
    } catch (error) {
      throw invalid('the PNG file is damaged and cannot be decoded.', error);
    }
  }
  try {
    const decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: UPLOAD_LIMITS.maxPixels / 1_000_000,
      maxMemoryUsageInMB: 512,
    });
    checkSize(decoded.width, decoded.height);
    return { type, raster: decoded };
  } catch (error) {
    if (CachesetError.is(error)) throw error;
    throw invalid('the JPEG file is damaged or too large and cannot be decoded.', error);
  }
}
