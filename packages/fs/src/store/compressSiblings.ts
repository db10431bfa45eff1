import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Which pre-compressed siblings to write next to compressible pages. */
export interface SiblingSettings {
  readonly gzip: boolean;
  readonly brotli: boolean;
  /** Smaller bodies are not worth a sibling. */
  readonly minBytes: number;
}

export interface Sibling {
  /** `.gz` or `.br`, appended to the page's file name (what gzip_static / brotli_static look for). */
  readonly suffix: '.gz' | '.br';
  readonly data: Uint8Array;
}

/**
 * Pre-compressed copies for nginx's `gzip_static` (and `brotli_static`, where the module exists),
 * made once at write time at the highest levels (the work runs on libuv's thread pool, after the
 * response was sent). A sibling that would not be smaller than the page is left out.
 */
export async function compressSiblings(body: Uint8Array, settings: SiblingSettings): Promise<readonly Sibling[]> {
  if (body.byteLength < settings.minBytes) return [];
  const siblings: Sibling[] = [];
  if (settings.gzip) {
    const data = await gzipAsync(body, { level: 9 });
    if (data.byteLength < body.byteLength) siblings.push({ suffix: '.gz', data });
  }
  if (settings.brotli) {
    const data = await brotliAsync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    });
    if (data.byteLength < body.byteLength) siblings.push({ suffix: '.br', data });
  }
  return siblings;
}

export const SIBLING_SUFFIXES = ['.gz', '.br'] as const;
