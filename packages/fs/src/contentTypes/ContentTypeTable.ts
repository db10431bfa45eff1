import { describeValue } from '@cacheset/core';
import { FsErrorCodes, fsError } from '../errors/fsErrorCodes.js';
import { DEFAULT_CONTENT_TYPES, type ContentTypeEntry } from './ContentTypeEntry.js';
import { normalizeCharset, parseContentType } from './parseContentType.js';

/** Why a response's type cannot be kept (a refusal reason). */
export type ContentTypeProblem = 'content-type' | 'charset';

export type ContentTypeMatch = { readonly entry: ContentTypeEntry } | { readonly problem: ContentTypeProblem };

const EXTENSION = /^[a-z0-9]{1,16}$/;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const CHARSET = /^[a-z0-9][a-z0-9._:-]*$/;
/** Names the cache uses for its own files; a content type must not claim them. */
const RESERVED_EXTENSIONS = new Set(['gz', 'br', 'tmp']);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isUtf8(body: Uint8Array): boolean {
  try {
    utf8.decode(body);
    return true;
  } catch {
    return false;
  }
}

/**
 * The content types a cache writes, validated once: the writer picks an entry (and so the file's
 * extension) from a response's Content-Type; the configuration generators print the same entries as
 * nginx `types` and Apache `ForceType` blocks, in the same order nginx tries them.
 */
export class ContentTypeTable {
  readonly entries: readonly ContentTypeEntry[];
  readonly #byMediaType = new Map<string, ContentTypeEntry[]>();

  constructor(entries: readonly ContentTypeEntry[] = DEFAULT_CONTENT_TYPES) {
    if (!Array.isArray(entries) || entries.length === 0) {
      throw fsError(
        FsErrorCodes.INVALID_CONTENT_TYPES,
        `contentTypes must be a non-empty list of { extension, mediaType, charset?, compressible? }, got ${describeValue(entries)}.`,
        entries,
      );
    }
    const seen = new Set<string>();
    const checked: ContentTypeEntry[] = [];
    for (const raw of entries as readonly unknown[]) {
      const entry = raw as Partial<ContentTypeEntry> | null;
      const where = `contentTypes entry ${describeValue(entry?.extension ?? raw)}`;
      if (typeof entry !== 'object' || entry === null)
        throw fsError(
          FsErrorCodes.INVALID_CONTENT_TYPES,
          `${where}: expected { extension, mediaType }, got ${describeValue(raw)}.`,
          raw,
        );
      if (typeof entry.extension !== 'string' || !EXTENSION.test(entry.extension)) {
        throw fsError(
          FsErrorCodes.INVALID_CONTENT_TYPES,
          `${where}: extension must be 1 to 16 lower-case ASCII letters or digits without a dot (nginx maps the last dot's suffix), got ${describeValue(entry.extension)}.`,
          entry.extension,
        );
      }
      if (RESERVED_EXTENSIONS.has(entry.extension)) {
        throw fsError(
          FsErrorCodes.INVALID_CONTENT_TYPES,
          `${where}: the extension '${entry.extension}' is reserved for the cache's compressed siblings and temporary files.`,
          entry.extension,
        );
      }
      if (seen.has(entry.extension))
        throw fsError(
          FsErrorCodes.INVALID_CONTENT_TYPES,
          `${where}: the extension '${entry.extension}' appears twice; each extension maps to one type.`,
          entry.extension,
        );
      seen.add(entry.extension);
      if (typeof entry.mediaType !== 'string' || !MEDIA_TYPE.test(entry.mediaType)) {
        throw fsError(
          FsErrorCodes.INVALID_CONTENT_TYPES,
          `${where}: mediaType must be a lower-case type/subtype such as "text/html", got ${describeValue(entry.mediaType)}.`,
          entry.mediaType,
        );
      }
      if (
        entry.charset !== undefined &&
        (typeof entry.charset !== 'string' || !CHARSET.test(normalizeCharset(entry.charset)))
      ) {
        throw fsError(
          FsErrorCodes.INVALID_CONTENT_TYPES,
          `${where}: charset must be a charset label such as "utf-8", got ${describeValue(entry.charset)}.`,
          entry.charset,
        );
      }
      if (entry.compressible !== undefined && typeof entry.compressible !== 'boolean') {
        throw fsError(
          FsErrorCodes.INVALID_CONTENT_TYPES,
          `${where}: compressible must be true or false, got ${describeValue(entry.compressible)}.`,
          entry.compressible,
        );
      }
      const frozen: ContentTypeEntry = Object.freeze({
        extension: entry.extension,
        mediaType: entry.mediaType,
        ...(entry.charset === undefined ? {} : { charset: normalizeCharset(entry.charset) }),
        compressible: entry.compressible === true,
      });
      checked.push(frozen);
      const list = this.#byMediaType.get(frozen.mediaType);
      if (list === undefined) this.#byMediaType.set(frozen.mediaType, [frozen]);
      else list.push(frozen);
    }
    this.entries = Object.freeze(checked);
  }

  /** The extensions, in try order. */
  get extensions(): readonly string[] {
    return this.entries.map((e) => e.extension);
  }

  byExtension(extension: string): ContentTypeEntry | undefined {
    return this.entries.find((e) => e.extension === extension);
  }

  /**
   * The entry for a response: same media type, and a charset that nginx will announce truthfully.
   * A text response without a charset matches a UTF-8 entry only when its bytes are valid UTF-8
   * (Node encodes strings as UTF-8, so this is the usual case); entries without a charset (images,
   * JSON) ignore the response's charset parameter.
   */
  match(contentType: string | undefined, body: Uint8Array): ContentTypeMatch {
    const parsed = parseContentType(contentType);
    if (parsed === undefined) return { problem: 'content-type' };
    const candidates = this.#byMediaType.get(parsed.mediaType);
    if (candidates === undefined) return { problem: 'content-type' };
    if (parsed.charset !== undefined) {
      const exact = candidates.find((e) => e.charset === parsed.charset);
      if (exact !== undefined) return { entry: exact };
    } else {
      const declared = candidates.find((e) => e.charset === 'utf-8');
      if (declared !== undefined && isUtf8(body)) return { entry: declared };
    }
    const charsetless = candidates.find((e) => e.charset === undefined);
    return charsetless !== undefined ? { entry: charsetless } : { problem: 'charset' };
  }
}
