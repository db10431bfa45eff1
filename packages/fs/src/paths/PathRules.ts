/** The limits and names that decide where (and whether) a URL maps under the document root. */
export interface PathRules {
  /** The file name (without extension) of a directory index: `/a/` → `a/<indexName>.html`. */
  readonly indexName: string;
  /** The filesystem's limit on one file or directory name, in bytes (NAME_MAX, 255 on Linux filesystems). */
  readonly maxNameBytes: number;
  /** The limit on a relative path under the root, in bytes. */
  readonly maxPathBytes: number;
  /** Bytes the longest suffix adds to a page name: `.` + the longest extension + `.gz`/`.br` if written. */
  readonly suffixBytes: number;
  /**
   * `.` + the first content type's extension. nginx opens `<uri>.<first>` directly; a directory of
   * that name (from `/a.html/b`) would make it answer `/a` with a redirect, so no directory segment
   * may end with it.
   */
  readonly directSuffix: string;
}
