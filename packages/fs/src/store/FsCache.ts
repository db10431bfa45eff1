import { constants } from 'node:fs';
import { access, chmod, mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FsErrorCodes, fsError } from '../errors/fsErrorCodes.js';
import { fileOf, type CacheLocation } from '../paths/CacheLocation.js';
import { locateUrl, purgeKeyOf, type Located } from '../paths/locateUrl.js';
import { resolveFsCacheOptions, type FsCacheOptions, type ResolvedFsCacheOptions } from '../options/FsCacheOptions.js';
import { FsCacheCounters, type FsCacheStats } from '../stats/FsCacheStats.js';
import type { RefusalReason } from '../stats/RefusalReason.js';
import { installFile, removeFile, removeQuietly, writeTempFile } from './atomicFiles.js';
import { compressSiblings, SIBLING_SUFFIXES, type Sibling } from './compressSiblings.js';
import { FileIndex, type PageRecord } from './FileIndex.js';
import { errnoOf, problemOfError } from './fsProblem.js';
import { KeyedLock } from './KeyedLock.js';
import { PurgeGenerations, type FsWriteTicket } from './PurgeGenerations.js';
import { ensureDirectory, isExactly } from './safeDirectories.js';
import { scanTree, TRASH_PREFIX } from './scanTree.js';
import { MARKS_DIR, SharedPurgeMarks } from './SharedPurgeMarks.js';
import { OnceLogger } from '@cacheset/core/internal';

/** What the operation hands over for one finished response. */
export interface FsWriteInput {
  /** The response's Content-Type header. */
  readonly contentType: string | undefined;
  readonly body: Uint8Array;
}

export type FsWriteResult =
  | { readonly written: true; /** Relative path of the page file. */ readonly file: string; readonly bytes: number }
  | { readonly written: false; readonly reason: RefusalReason };

interface PendingFile {
  readonly temp: string;
  readonly target: string;
  installed: boolean;
}

/** A write whose files are in their temporary names, ready to be renamed into place. */
interface Installation {
  readonly location: CacheLocation;
  /** The page file, relative to the root, and its absolute path. */
  readonly file: string;
  readonly target: string;
  readonly pending: PendingFile[];
  readonly siblings: readonly Sibling[];
  readonly bytes: number;
}

const refused = (reason: RefusalReason): FsWriteResult => ({ written: false, reason });

/**
 * The filesystem cache manager: keeps rendered pages under a document root, at paths that mirror their
 * URLs, for nginx to serve before the application (`try_files`), and deletes them when their content
 * changes. After FSCacheManager and wsgi_cache, without their defects: nothing is ever written outside
 * the root, writes are atomic (temporary file, then rename), `/a` and `/a/` coexist, query strings are
 * refused unless the policy allows them, and the content type survives in the file name.
 *
 * Open one with `await FsCache.open({ root })`, give it to `createFsCacheOperation`, and call
 * `subscribePurges({ container })` so `Purge` events delete files.
 */
export class FsCache {
  /** The document root, as a real path (symbolic links in the configured path resolved). */
  readonly root: string;
  readonly options: ResolvedFsCacheOptions;
  readonly #index = new FileIndex();
  readonly #lock = new KeyedLock();
  readonly #generations = new PurgeGenerations();
  readonly #marks: SharedPurgeMarks;
  readonly #counters = new FsCacheCounters();
  readonly #log: OnceLogger;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #unsubscribers = new Set<() => void>();
  /** Page files being written, with the ticket of the write. */
  readonly #writing = new Map<string, FsWriteTicket>();
  #clearing = false;
  #closed = false;
  #evicting = false;
  #cacheControl: string | undefined;

  private constructor(root: string, options: ResolvedFsCacheOptions) {
    this.root = root;
    this.options = options;
    this.#cacheControl = options.cacheControl;
    this.#marks = new SharedPurgeMarks(root, options.dirMode);
    this.#log = new OnceLogger(options.logger);
  }

  /**
   * Validates the options, creates the root if it is missing, and indexes what an earlier run left in
   * it (deleting leftovers of interrupted writes). Every bad option or unusable root is a typed error
   * here, at start-up.
   */
  static async open(options: FsCacheOptions): Promise<FsCache> {
    const resolved = resolveFsCacheOptions(options);
    const root = await prepareRoot(resolve(resolved.root), resolved.dirMode);
    const cache = new FsCache(root, resolved);
    const scan = await scanTree(root, resolved.table, resolved.rules, (error, path) =>
      cache.#reportError(`scanning ${path}`, error),
    );
    for (const page of scan.pages)
      cache.#index.set({ file: page.file, key: page.key, siblings: page.siblings, bytes: page.bytes });
    cache.#evict();
    await cache.settled();
    return cache;
  }

  /** Where a URL's response would be written, or why it would not (no disk access). */
  locate(url: string, allowedQuery: readonly string[] | null = null): Located {
    return locateUrl(url, this.options.rules, allowedQuery);
  }

  /** Call when a request starts, before rendering: the write is discarded if its page is purged after this. */
  begin(): FsWriteTicket {
    return this.#generations.begin();
  }

  /** Counts a response judged unsafe to write before it reached `write` (the operation's checks). */
  refuse(reason: RefusalReason): void {
    this.#counters.refuse(reason);
  }

  /**
   * Writes a finished response atomically: compressed siblings and the page go to temporary files in
   * the target directory, then, under the page's lock and only if no purge or clear came after
   * `ticket`, they are renamed into place (siblings first, so gzip_static never pairs a new page with
   * an old `.gz`). Never throws: a response that cannot be written is counted with its reason.
   */
  write(ticket: FsWriteTicket, location: CacheLocation, input: FsWriteInput): Promise<FsWriteResult> {
    return this.#track(
      this.#write(ticket, location, input).then((result) => {
        if (result.written) this.#counters.writes += 1;
        else this.#counters.refuse(result.reason);
        if (result.written) this.#evict();
        return result;
      }),
    );
  }

  /**
   * Deletes every file of the given URL paths: each path's page in every content type, its directory
   * index (`/a` and `/a/` are one key), kept query variants and compressed siblings. The purge takes
   * effect for in-flight writes at once (synchronously): a response rendered before this call is
   * never written after it. Resolves to the number of files deleted.
   */
  purge(paths: Iterable<string>): Promise<number> {
    const keys = new Map<string, readonly string[]>();
    for (const path of paths) {
      if (typeof path !== 'string') continue;
      const found = purgeKeyOf(path, this.options.rules);
      if (found !== undefined) keys.set(found.key, found.segments);
    }
    for (const key of keys.keys()) this.#generations.purge(key);
    this.#counters.purges += keys.size;
    return this.#track(
      Promise.all([...keys].map(([key, segments]) => this.#lock.run(key, () => this.#purgeKey(key, segments)))).then(
        (counts) => counts.reduce((a, b) => a + b, 0),
      ),
    );
  }

  /**
   * Empties the tree while nginx keeps running: writes in flight are discarded, every top-level entry
   * is renamed into a trash directory (each rename is atomic, so nginx sees a page or falls back to the
   * application, never a half-deleted directory), then the trash is deleted.
   */
  async clear(): Promise<void> {
    this.#assertOpen('clear');
    this.#generations.clear();
    this.#clearing = true;
    try {
      await this.#marks.mark('').catch((error: unknown) => this.#reportError('recording a clear', error));
      await this.#lock.idle();
      const trash = join(this.root, `${TRASH_PREFIX}${randomBytes(6).toString('hex')}`);
      await mkdir(trash, { mode: 0o700 });
      for (const name of await readdir(this.root)) {
        if (name.startsWith(TRASH_PREFIX) || name === MARKS_DIR) continue;
        await rename(join(this.root, name), join(trash, name)).catch((error: unknown) => {
          // Gone since the listing: another process's temporary file, installed or dropped by its
          // write meanwhile (that write removes its page itself, see awaitWriters below).
          if (errnoOf(error) !== 'ENOENT') throw error;
        });
      }
      this.#counters.deletes += this.#index.files;
      this.#index.clear();
      this.#counters.clears += 1;
      await rm(trash, { recursive: true, force: true });
      // Another process's write that passed its check before the clear's mark removes its page
      // itself (it sees the mark afterwards): the clear resolves once it has.
      await this.#marks.awaitWriters('');
    } finally {
      this.#clearing = false;
    }
  }

  /** The Cache-Control nginx sends with the static copies, which written responses must carry (undefined: any). */
  get cacheControl(): string | undefined {
    return this.#cacheControl;
  }

  /**
   * Sets the static Cache-Control after opening: the usual order is open the cache, register its
   * operation, build the HTTP caching layer, then `setCacheControl(await staticCacheControl(caching,
   * ruleset))`. Pages already written keep their files; print the configuration again with the new value.
   */
  setCacheControl(value: string | undefined): void {
    this.#assertOpen('setCacheControl');
    this.#cacheControl =
      value === undefined ? undefined : resolveFsCacheOptions({ root: this.root, cacheControl: value }).cacheControl;
  }

  stats(): FsCacheStats {
    return this.#counters.snapshot(this.#index.files, this.#index.bytes);
  }

  /** Resolves when the writes, purges and evictions started so far have finished. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Remembers an unsubscribe function to call on `close()` (used by `subscribePurges`). */
  onClose(unsubscribe: () => void): void {
    this.#unsubscribers.add(unsubscribe);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops listening to purges, refuses new writes, and waits for the work in flight. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribers) unsubscribe();
    this.#unsubscribers.clear();
    await this.settled();
    this.#log.flush();
  }

  #assertOpen(what: string): void {
    if (this.#closed)
      throw fsError(FsErrorCodes.CLOSED, `FsCache.${what}(): the cache at ${this.root} was closed.`, this.root);
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#pending.add(promise);
    const forget = (): void => {
      this.#pending.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  #absolute(file: string): string | undefined {
    const path = join(this.root, file);
    return path.startsWith(this.root + sep) ? path : undefined;
  }

  /**
   * Where `write` would put the body, or why it would refuse it, by the checks made before any byte
   * is written (size, content type, the root); writes, counts and locks nothing (for explained requests).
   */
  wouldWrite(
    location: CacheLocation,
    input: FsWriteInput,
  ): { readonly file: string } | { readonly problem: RefusalReason } {
    const o = this.options;
    const { body } = input;
    if (body.byteLength === 0) return { problem: 'empty-body' };
    if (body.byteLength > o.maxFileBytes) return { problem: 'too-large' };
    const match = o.table.match(input.contentType, body);
    if ('problem' in match) return { problem: match.problem };
    const file = fileOf(location, match.entry.extension);
    return this.#absolute(file) === undefined ? { problem: 'outside-root' } : { file };
  }

  async #write(ticket: FsWriteTicket, location: CacheLocation, input: FsWriteInput): Promise<FsWriteResult> {
    const o = this.options;
    if (this.#closed) return refused('closed');
    const { body } = input;
    if (body.byteLength === 0) return refused('empty-body');
    if (body.byteLength > o.maxFileBytes) return refused('too-large');
    const match = o.table.match(input.contentType, body);
    if ('problem' in match) return refused(match.problem);
    const file = fileOf(location, match.entry.extension);
    const target = this.#absolute(file);
    if (target === undefined) return refused('outside-root');
    if (this.#generations.isStale(ticket, location.key)) return refused('purged');
    // A miss draws many requests for one page at once; while one of them is writing a body that no
    // purge has made stale, the others' (equally fresh) bodies would only write the same page again.
    const inFlight = this.#writing.get(file);
    if (inFlight !== undefined && !this.#generations.isStale(inFlight, location.key)) return refused('duplicate');
    this.#writing.set(file, ticket);
    const pending: PendingFile[] = [];
    try {
      const siblings = match.entry.compressible === true ? await compressSiblings(body, o.siblings) : [];
      const bytes = body.byteLength + siblings.reduce((sum, s) => sum + s.data.byteLength, 0);
      if (o.maxBytes !== undefined && bytes > o.maxBytes) return refused('too-large');
      const dir = await ensureDirectory(this.root, location.dir, o.dirMode);
      if ('problem' in dir) return refused(dir.problem);
      for (const sibling of siblings)
        pending.push({
          temp: await writeTempFile(dir.path, sibling.data, o.fileMode, o.durable),
          target: target + sibling.suffix,
          installed: false,
        });
      pending.push({ temp: await writeTempFile(dir.path, body, o.fileMode, o.durable), target, installed: false });
      const installation: Installation = { location, file, target, pending, siblings, bytes };
      return await this.#lock.run(location.key, () => this.#install(ticket, installation));
    } catch (error) {
      // The directory vanished under the write: only clear() removes directories.
      if (errnoOf(error) === 'ENOENT' && (this.#clearing || this.#generations.isStale(ticket, location.key)))
        return refused('purged');
      const reason = problemOfError(error);
      if (reason === 'io-error') this.#reportError(`writing ${target}`, error);
      return refused(reason);
    } finally {
      if (this.#writing.get(file) === ticket) this.#writing.delete(file);
      for (const p of pending) if (!p.installed) await removeQuietly(p.temp);
    }
  }

  /** The locked part of a write: the staleness check and the renames cannot be split by a purge. */
  async #install(ticket: FsWriteTicket, installation: Installation): Promise<FsWriteResult> {
    const { location, file } = installation;
    if (this.#closed) return refused('closed');
    if (this.#clearing || this.#generations.isStale(ticket, location.key)) return refused('purged');
    // Another process writing the same root may have purged the page since the ticket (SharedPurgeMarks).
    const withdraw = await this.#marks.announce(location.key);
    try {
      if (await this.#marks.purgedSince(location.key, ticket.at)) return refused('purged');
      const result = await this.#installFiles(installation);
      if (result.written && (await this.#marks.purgedSince(location.key, ticket.at))) {
        const page = this.#index.get(file);
        if (page !== undefined) await this.#deletePage(page);
        return refused('purged');
      }
      return result;
    } finally {
      await withdraw();
    }
  }

  /** Renames the files into place (siblings first) and indexes the page. */
  async #installFiles(installation: Installation): Promise<FsWriteResult> {
    const { location, file, target, pending, siblings, bytes } = installation;
    const written = new Set<string>(siblings.map((s) => s.suffix));
    // An old sibling the new version does not replace must go before the page changes, or
    // gzip_static would keep sending the old body to clients that accept gzip.
    const previous = this.#index.get(file);
    const compressing = this.options.siblings.gzip || this.options.siblings.brotli;
    for (const suffix of SIBLING_SUFFIXES) {
      if (written.has(suffix) || (!compressing && previous?.siblings.includes(file + suffix) !== true)) continue;
      if (await this.#unlink(target + suffix)) this.#counters.deletes += 1;
    }
    try {
      for (const p of pending) {
        await installFile(p.temp, p.target);
        p.installed = true;
      }
    } catch (error) {
      // The page could not be installed: its new siblings must not stay next to the old page.
      for (const p of pending) if (p.installed && p.target !== target) await removeQuietly(p.target);
      // ENOENT: the directory went away under the write (a clear moved it to the trash).
      return refused(errnoOf(error) === 'ENOENT' ? 'purged' : problemOfError(error));
    }
    // The URL changed type (was HTML, is JSON now): the old file would be found first by try_files.
    const stem = file.slice(0, file.lastIndexOf('.'));
    for (const other of this.#index.pagesOf(location.key)) {
      if (other.file !== file && other.file.slice(0, other.file.lastIndexOf('.')) === stem)
        await this.#deletePage(other);
    }
    this.#index.set({ file, key: location.key, siblings: siblings.map((s) => file + s.suffix), bytes });
    return { written: true, file, bytes };
  }

  async #purgeKey(key: string, segments: readonly string[]): Promise<number> {
    // Recorded before deleting, waited for after: see SharedPurgeMarks for why this order is race-free.
    const marked = await this.#marks.mark(key).then(
      () => true,
      (error: unknown) => {
        this.#reportError(`recording a purge of ${key}`, error);
        return false;
      },
    );
    let deleted = 0;
    for (const page of this.#index.pagesOf(key)) deleted += await this.#deletePage(page);
    deleted += await this.#deleteByName(segments);
    if (marked && (await this.#marks.awaitWriters(key))) deleted += await this.#deleteByName(segments);
    return deleted;
  }

  /**
   * Files of a key the index does not know (another process on the same root, or written before a
   * crash lost the index) follow the naming rules, so they are found without listing directories:
   * `<dir>/<name>.<ext>` and `<dir>/<name>/<index>.<ext>`, with their siblings. A directory that is a
   * symbolic link is never entered.
   */
  async #deleteByName(segments: readonly string[]): Promise<number> {
    const { rules, table } = this.options;
    const places: [string, string][] = [];
    const last = segments[segments.length - 1];
    if (last !== undefined) places.push([segments.slice(0, -1).join('/'), last]);
    places.push([segments.join('/'), rules.indexName]);
    let deleted = 0;
    for (const [dir, base] of places) {
      const abs = dir === '' ? this.root : join(this.root, dir);
      if (!(await isExactly(abs))) continue;
      for (const extension of table.extensions) {
        const main = join(abs, `${base}.${extension}`);
        if (await this.#unlink(main)) deleted += 1;
        for (const suffix of SIBLING_SUFFIXES) if (await this.#unlink(main + suffix)) deleted += 1;
      }
    }
    this.#counters.deletes += deleted;
    return deleted;
  }

  /** Deletes a page (the page first, so nginx stops finding it, then its siblings) and forgets it. */
  async #deletePage(page: PageRecord): Promise<number> {
    this.#index.remove(page.file);
    const main = join(this.root, page.file);
    if (!(await isExactly(dirname(main)))) return 0;
    let deleted = 0;
    for (const file of [page.file, ...page.siblings]) if (await this.#unlink(join(this.root, file))) deleted += 1;
    this.#counters.deletes += deleted;
    return deleted;
  }

  /** Unlinks one file; false if it was not there (or is a directory, which is not ours to delete). */
  async #unlink(path: string): Promise<boolean> {
    try {
      return await removeFile(path);
    } catch (error) {
      const code = errnoOf(error);
      // A directory is not ours to delete; a name over the limit cannot exist.
      if (code !== 'EISDIR' && code !== 'ENOTDIR' && code !== 'ENAMETOOLONG')
        this.#reportError(`deleting ${path}`, error);
      return false;
    }
  }

  /** Keeps the tree within `maxBytes` by deleting the least recently written pages, one loop at a time. */
  #evict(): void {
    const { maxBytes } = this.options;
    if (maxBytes === undefined || this.#evicting || this.#index.bytes <= maxBytes) return;
    this.#evicting = true;
    void this.#track(
      (async () => {
        try {
          let oldest = this.#index.oldest();
          while (oldest !== undefined && this.#index.bytes > maxBytes) {
            const page = oldest;
            await this.#lock.run(page.key, async () => {
              if (this.#index.get(page.file) !== page) return;
              await this.#deletePage(page);
              this.#counters.evictions += 1;
            });
            oldest = this.#index.oldest();
          }
        } finally {
          this.#evicting = false;
        }
      })(),
    );
  }

  #reportError(what: string, error: unknown): void {
    this.#counters.errors += 1;
    // A full or read-only disk fails every write: the first failure of each kind at once, the rest
    // as one line per second with the count (the statistics keep the total).
    this.#log.throttled(
      'error',
      what,
      `cacheset fs: ${what} failed: ${error instanceof Error ? error.message : String(error)}`,
      { error, root: this.root },
    );
  }
}

/** Creates the root if needed and checks that it is a usable directory; returns its real path. */
async function prepareRoot(path: string, mode: number): Promise<string> {
  let created: string | undefined;
  try {
    created = await mkdir(path, { recursive: true, mode });
    if (created !== undefined) await chmod(path, mode);
  } catch (error) {
    throw fsError(
      FsErrorCodes.INVALID_ROOT,
      `FsCache: cannot create the document root ${path}: ${error instanceof Error ? error.message : String(error)}`,
      path,
      error,
    );
  }
  const real = await realpath(path);
  if (real === '/' || real === resolve('/'))
    throw fsError(
      FsErrorCodes.INVALID_ROOT,
      'FsCache: the document root must not be the filesystem root; give it a directory of its own.',
      path,
    );
  const stats = await stat(real);
  if (!stats.isDirectory())
    throw fsError(FsErrorCodes.INVALID_ROOT, `FsCache: the document root ${path} is not a directory.`, path);
  try {
    await access(real, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw fsError(
      FsErrorCodes.INVALID_ROOT,
      `FsCache: the document root ${path} is not readable and writable by this process.`,
      path,
      error,
    );
  }
  return real;
}
