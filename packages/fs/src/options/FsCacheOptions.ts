import { consoleLogger, type CachesetLogger } from '@cacheset/core';
import { ContentTypeTable } from '../contentTypes/ContentTypeTable.js';
import type { ContentTypeEntry } from '../contentTypes/ContentTypeEntry.js';
import { FsErrorCodes, fsError } from '../errors/fsErrorCodes.js';
import { QUERY_MARKER } from '../paths/CacheLocation.js';
import type { PathRules } from '../paths/PathRules.js';
import type { SiblingSettings } from '../store/compressSiblings.js';
import { OptionReader } from '@cacheset/core/internal';

export interface FsCacheOptions {
  /**
   * The document root nginx serves the copies from. Created if missing. It belongs to the cache:
   * files in it with a content-type extension count as pages (they are indexed, purged, evicted and
   * cleared), so keep the application's own static files elsewhere.
   */
  readonly root: string;
  /** The content types kept, in the order nginx tries them. Default `DEFAULT_CONTENT_TYPES`. */
  readonly contentTypes?: readonly ContentTypeEntry[];
  /** File name (without extension) of a directory index: `/a/` → `a/index.html`. Default `index`. */
  readonly indexName?: string;
  /** The filesystem's longest file name in bytes; longer ones are refused (`name-too-long`). Default 255. */
  readonly maxNameBytes?: number;
  /** The longest relative path in bytes. Default 1024. */
  readonly maxPathBytes?: number;
  /** The largest body buffered and written, in bytes. Default 8 MiB. */
  readonly maxFileBytes?: number;
  /** A byte budget for the whole tree (pages and siblings); the least recently written pages are evicted. Default: none. */
  readonly maxBytes?: number;
  /** Write `.gz` siblings of compressible pages for nginx `gzip_static`. Default false. */
  readonly gzip?: boolean;
  /** Write `.br` siblings for `brotli_static` (a module Debian's nginx lacks). Default false. */
  readonly brotli?: boolean;
  /** Bodies smaller than this get no compressed sibling. Default 256. */
  readonly compressMinBytes?: number;
  /**
   * The Cache-Control nginx sends with the static copies (print it in the generated configuration
   * with the same value). When set, a response whose own Cache-Control differs is not written
   * (`cache-control-mismatch`), so the copy never travels under headers the policy did not give it;
   * `staticCacheControl(caching, ruleset)` computes the value from the policy. When unset, any
   * shareable response is written and the generated configuration sends `no-cache` (clients
   * revalidate against nginx's own ETag and Last-Modified).
   */
  readonly cacheControl?: string;
  /** Mode of written files. Default 0o644 (nginx's worker runs as another user). */
  readonly fileMode?: number;
  /** Mode of created directories. Default 0o755. */
  readonly dirMode?: number;
  /** fdatasync each file before renaming it into place, so a power cut never leaves an empty page. Default true. */
  readonly durable?: boolean;
  /** Where filesystem errors and failed purges are reported. Default: the console. */
  readonly logger?: CachesetLogger;
}

/** The options after validation, with defaults applied. */
export interface ResolvedFsCacheOptions {
  readonly root: string;
  readonly table: ContentTypeTable;
  readonly rules: PathRules;
  readonly maxFileBytes: number;
  readonly maxBytes: number | undefined;
  readonly siblings: SiblingSettings;
  readonly cacheControl: string | undefined;
  readonly fileMode: number;
  readonly dirMode: number;
  readonly durable: boolean;
  readonly logger: CachesetLogger;
}

const KNOWN = [
  'root',
  'contentTypes',
  'indexName',
  'maxNameBytes',
  'maxPathBytes',
  'maxFileBytes',
  'maxBytes',
  'gzip',
  'brotli',
  'compressMinBytes',
  'cacheControl',
  'fileMode',
  'dirMode',
  'durable',
  'logger',
] satisfies readonly (keyof FsCacheOptions)[];

const INDEX_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

// Typed explicitly: a method returning never narrows control flow only through an annotated reference.
const read: OptionReader = new OptionReader(
  (message, value) => fsError(FsErrorCodes.INVALID_OPTIONS, message, value),
  'FsCache: ',
);

/** Normalizes a Cache-Control value for comparison: directives lower-cased, trimmed, sorted. */
export function normalizeCacheControl(value: string): string {
  return value
    .split(',')
    .map((d) =>
      d
        .trim()
        .replace(/\s*=\s*/, '=')
        .toLowerCase(),
    )
    .filter((d) => d.length > 0)
    .sort()
    .join(', ');
}

/** Validates every option at start-up; a bad one is `ERR_CACHESET_FS_INVALID_OPTIONS` naming it. */
export function resolveFsCacheOptions(options: FsCacheOptions): ResolvedFsCacheOptions {
  read.record('options', options, 'an object { root, ... }');
  read.keys('', options, KNOWN);
  if (typeof options.root !== 'string' || options.root.trim() === '')
    read.invalid('root', 'must be the path of the document root', options.root);
  if (options.root.includes('\0')) read.invalid('root', 'must not contain a NUL byte');
  const table = new ContentTypeTable(options.contentTypes);
  const indexName = read.text(
    'indexName',
    options.indexName,
    'index',
    INDEX_NAME,
    `a plain file name of letters, digits, '_' and '-' (no dot, no '${QUERY_MARKER}')`,
  );
  const maxNameBytes = read.integer('maxNameBytes', options.maxNameBytes, 255, { min: 32, max: 1024 });
  const maxPathBytes = read.integer('maxPathBytes', options.maxPathBytes, 1024, { min: 64, max: 4000 });
  const maxFileBytes = read.integer('maxFileBytes', options.maxFileBytes, 8 * 1_048_576, { min: 1, max: 2 ** 31 - 1 });
  const maxBytes =
    options.maxBytes === undefined
      ? undefined
      : read.integer('maxBytes', options.maxBytes, 0, { min: 1, max: Number.MAX_SAFE_INTEGER });
  const gzip = read.flag('gzip', options.gzip, false);
  const brotli = read.flag('brotli', options.brotli, false);
  const compressMinBytes = read.integer('compressMinBytes', options.compressMinBytes, 256, {
    min: 0,
    max: 2 ** 31 - 1,
  });
  if (
    options.cacheControl !== undefined &&
    (typeof options.cacheControl !== 'string' ||
      options.cacheControl.trim() === '' ||
      /[\r\n"\\]/.test(options.cacheControl))
  ) {
    read.invalid(
      'cacheControl',
      'must be a Cache-Control value such as "max-age=0, s-maxage=86400, must-revalidate" (no quotes, backslashes or line breaks)',
      options.cacheControl,
    );
  }
  const fileMode = read.integer('fileMode', options.fileMode, 0o644, { min: 0, max: 0o777 });
  const dirMode = read.integer('dirMode', options.dirMode, 0o755, { min: 0, max: 0o777 });
  if ((fileMode & 0o400) === 0)
    read.fail(`fileMode ${fileMode.toString(8)} does not let the owner read the files.`, fileMode);
  if ((dirMode & 0o700) !== 0o700)
    read.fail(
      `dirMode ${dirMode.toString(8)} must give the owner rwx (the cache writes into its directories).`,
      dirMode,
    );
  const logger = read.logger('logger', options.logger) ?? consoleLogger;
  const longestExtension = Math.max(...table.extensions.map((e) => e.length));
  const siblingBytes = gzip || brotli ? 3 : 0;
  return Object.freeze({
    root: options.root,
    table,
    rules: Object.freeze({
      indexName,
      maxNameBytes,
      maxPathBytes,
      suffixBytes: 1 + longestExtension + siblingBytes,
      directSuffix: `.${table.extensions[0] as string}`,
    }),
    maxFileBytes,
    maxBytes,
    siblings: Object.freeze({ gzip, brotli, minBytes: compressMinBytes }),
    cacheControl: options.cacheControl === undefined ? undefined : options.cacheControl.trim(),
    fileMode,
    dirMode,
    durable: read.flag('durable', options.durable, true),
    logger,
  });
}
