import { consoleLogger, describeValue, type CachesetLogger } from '@cacheset/core';
import { ContentTypeTable } from '../contentTypes/ContentTypeTable.js';
import type { ContentTypeEntry } from '../contentTypes/ContentTypeEntry.js';
import { FsErrorCodes, fsError } from '../errors/fsErrorCodes.js';
import { QUERY_MARKER } from '../paths/CacheLocation.js';
import type { PathRules } from '../paths/PathRules.js';
import type { SiblingSettings } from '../store/compressSiblings.js';

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

const KNOWN = new Set([
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
]);

const INDEX_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

function invalid(message: string, value: unknown): never {
  throw fsError(FsErrorCodes.INVALID_OPTIONS, `FsCache: ${message}`, value);
}

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    invalid(`${name} must be an integer from ${min} to ${max}, got ${describeValue(value)}.`, value);
  return value;
}

function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalid(`${name} must be true or false, got ${describeValue(value)}.`, value);
  return value;
}

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
  if (typeof options !== 'object' || options === null)
    invalid(`expected options { root, ... }, got ${describeValue(options)}.`, options);
  for (const key of Object.keys(options))
    if (!KNOWN.has(key)) invalid(`unknown option '${key}'. Known options: ${[...KNOWN].join(', ')}.`, key);
  if (typeof options.root !== 'string' || options.root.trim() === '')
    invalid(`root must be the path of the document root, got ${describeValue(options.root)}.`, options.root);
  if (options.root.includes('\0')) invalid('root must not contain a NUL byte.', options.root);
  const table = new ContentTypeTable(options.contentTypes);
  const indexName = options.indexName ?? 'index';
  if (typeof indexName !== 'string' || !INDEX_NAME.test(indexName)) {
    invalid(
      `indexName must be a plain file name of letters, digits, '_' and '-' (no dot, no '${QUERY_MARKER}'), got ${describeValue(indexName)}.`,
      indexName,
    );
  }
  const maxNameBytes = integer('maxNameBytes', options.maxNameBytes, 255, 32, 1024);
  const maxPathBytes = integer('maxPathBytes', options.maxPathBytes, 1024, 64, 4000);
  const maxFileBytes = integer('maxFileBytes', options.maxFileBytes, 8 * 1_048_576, 1, 2 ** 31 - 1);
  const maxBytes =
    options.maxBytes === undefined ? undefined : integer('maxBytes', options.maxBytes, 0, 1, Number.MAX_SAFE_INTEGER);
  const gzip = flag('gzip', options.gzip, false);
  const brotli = flag('brotli', options.brotli, false);
  const compressMinBytes = integer('compressMinBytes', options.compressMinBytes, 256, 0, 2 ** 31 - 1);
  if (
    options.cacheControl !== undefined &&
    (typeof options.cacheControl !== 'string' ||
      options.cacheControl.trim() === '' ||
      /[\r\n"\\]/.test(options.cacheControl))
  ) {
    invalid(
      `cacheControl must be a Cache-Control value such as "max-age=0, s-maxage=86400, must-revalidate" (no quotes, backslashes or line breaks), got ${describeValue(options.cacheControl)}.`,
      options.cacheControl,
    );
  }
  const fileMode = integer('fileMode', options.fileMode, 0o644, 0, 0o777);
  const dirMode = integer('dirMode', options.dirMode, 0o755, 0, 0o777);
  if ((fileMode & 0o400) === 0)
    invalid(`fileMode ${fileMode.toString(8)} does not let the owner read the files.`, fileMode);
  if ((dirMode & 0o700) !== 0o700)
    invalid(`dirMode ${dirMode.toString(8)} must give the owner rwx (the cache writes into its directories).`, dirMode);
  const logger = options.logger ?? consoleLogger;
  if (
    typeof logger !== 'object' ||
    logger === null ||
    typeof logger.error !== 'function' ||
    typeof logger.warn !== 'function'
  )
    invalid(`logger must have warn() and error(), got ${describeValue(logger)}.`, logger);
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
    durable: flag('durable', options.durable, true),
    logger,
  });
}
