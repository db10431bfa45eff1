/** One written page: its main file and the compressed siblings written with it. */
export interface PageRecord {
  /** Relative path of the main file (`a/b.html`). */
  readonly file: string;
  /** The purge key it belongs to (`/a/b`). */
  readonly key: string;
  /** Relative paths of `.gz` / `.br` siblings. */
  readonly siblings: readonly string[];
  /** Bytes of the main file and its siblings. */
  readonly bytes: number;
}

/**
 * What the cache holds, in the order pages were written (a Map keeps insertion order; a rewrite moves
 * a page to the end), so the least recently written page is always first: that is the eviction order.
 * A second map finds every page of a purge key (content types, index, query variants) without
 * listing directories.
 */
export class FileIndex {
  readonly #pages = new Map<string, PageRecord>();
  readonly #byKey = new Map<string, Set<string>>();
  #bytes = 0;
  #files = 0;

  get bytes(): number {
    return this.#bytes;
  }

  /** Files held: main files and siblings. */
  get files(): number {
    return this.#files;
  }

  get pages(): number {
    return this.#pages.size;
  }

  get(file: string): PageRecord | undefined {
    return this.#pages.get(file);
  }

  /** Adds or replaces a page, making it the most recently written. */
  set(record: PageRecord): void {
    this.remove(record.file);
    this.#pages.set(record.file, record);
    let files = this.#byKey.get(record.key);
    if (files === undefined) this.#byKey.set(record.key, (files = new Set()));
    files.add(record.file);
    this.#bytes += record.bytes;
    this.#files += 1 + record.siblings.length;
  }

  remove(file: string): PageRecord | undefined {
    const record = this.#pages.get(file);
    if (record === undefined) return undefined;
    this.#pages.delete(file);
    const files = this.#byKey.get(record.key);
    files?.delete(file);
    if (files?.size === 0) this.#byKey.delete(record.key);
    this.#bytes -= record.bytes;
    this.#files -= 1 + record.siblings.length;
    return record;
  }

  pagesOf(key: string): readonly PageRecord[] {
    const files = this.#byKey.get(key);
    if (files === undefined) return [];
    return [...files].map((f) => this.#pages.get(f)).filter((r): r is PageRecord => r !== undefined);
  }

  /** The least recently written page. */
  oldest(): PageRecord | undefined {
    return this.#pages.values().next().value;
  }

  clear(): void {
    this.#pages.clear();
    this.#byKey.clear();
    this.#bytes = 0;
    this.#files = 0;
  }
}
