import type { Database, Statement } from 'better-sqlite3';
import type { ImageContentType, ImageFile, ImagePair } from '../images/ImageFile.js';
import type { ImageRecord, ImageRowChanges, ImageVariant } from './ImageRecord.js';

interface RecordRow {
  id: string;
  slug: string;
  title: string;
  description: string;
  author: string;
  flagged: number;
  created_at: number;
  updated_at: number;
  content_type: string;
  width: number;
  height: number;
}

interface FileRow {
  content_type: string;
  width: number;
  height: number;
  bytes: Buffer;
}

const RECORD_COLUMNS = `i.id, i.slug, i.title, i.description, i.author, i.flagged, i.created_at, i.updated_at,
  f.content_type, f.width, f.height`;
const FROM = `FROM images i JOIN image_files f ON f.image_id = i.id AND f.variant = 'full'`;

function contentType(value: string): ImageContentType {
  return value === 'image/jpeg' ? 'image/jpeg' : 'image/png';
}

function toRecord(row: RecordRow): ImageRecord {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    author: row.author,
    flagged: row.flagged === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    contentType: contentType(row.content_type),
    width: row.width,
    height: row.height,
  };
}

/** The gallery's tables: images, their files, the redirects of renamed slugs and the gallery row. */
export class ImageRepository {
  readonly #db: Database;
  readonly #byId: Statement<[string], RecordRow>;
  readonly #bySlug: Statement<[string], RecordRow>;
  readonly #newest: Statement<[number], RecordRow>;
  readonly #file: Statement<[string, string], FileRow>;
  readonly #redirect: Statement<[string], { image_id: string }>;

  constructor(db: Database) {
    this.#db = db;
    this.#byId = db.prepare(`SELECT ${RECORD_COLUMNS} ${FROM} WHERE i.id = ?`);
    this.#bySlug = db.prepare(`SELECT ${RECORD_COLUMNS} ${FROM} WHERE i.slug = ?`);
    this.#newest = db.prepare(`SELECT ${RECORD_COLUMNS} ${FROM} ORDER BY i.created_at DESC, i.id LIMIT ?`);
    this.#file = db.prepare(
      'SELECT content_type, width, height, bytes FROM image_files WHERE image_id = ? AND variant = ?',
    );
    this.#redirect = db.prepare('SELECT image_id FROM slug_redirects WHERE old_slug = ?');
  }

  /** Runs `work` in one transaction: all of it is written, or none. */
  transaction<T>(work: () => T): T {
    return this.#db.transaction(work)();
  }

  findById(id: string): ImageRecord | undefined {
    const row = this.#byId.get(id);
    return row === undefined ? undefined : toRecord(row);
  }

  findBySlug(slug: string): ImageRecord | undefined {
    const row = this.#bySlug.get(slug);
    return row === undefined ? undefined : toRecord(row);
  }

  /** The id of the image a former slug now belongs to. */
  redirectOf(oldSlug: string): string | undefined {
    return this.#redirect.get(oldSlug)?.image_id;
  }

  newest(limit: number): ImageRecord[] {
    return this.#newest.all(limit).map(toRecord);
  }

  count(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n;
  }

  file(id: string, variant: ImageVariant): ImageFile | undefined {
    const row = this.#file.get(id, variant);
    if (row === undefined) return undefined;
    return { contentType: contentType(row.content_type), width: row.width, height: row.height, bytes: row.bytes };
  }

  insert(record: Omit<ImageRecord, 'contentType' | 'width' | 'height'>, files: ImagePair): void {
    this.#db
      .prepare(
        `INSERT INTO images (id, slug, title, description, author, flagged, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        record.slug,
        record.title,
        record.description,
        record.author,
        record.flagged ? 1 : 0,
        record.createdAt,
        record.updatedAt,
      );
    this.#writeFiles(record.id, files);
  }

  update(id: string, changes: ImageRowChanges, files?: ImagePair): void {
    const set: string[] = ['updated_at = @updatedAt'];
    if (changes.title !== undefined) set.push('title = @title');
    if (changes.description !== undefined) set.push('description = @description');
    if (changes.flagged !== undefined) set.push('flagged = @flagged');
    if (changes.slug !== undefined) set.push('slug = @slug');
    this.#db.prepare(`UPDATE images SET ${set.join(', ')} WHERE id = @id`).run({
      id,
      updatedAt: changes.updatedAt,
      title: changes.title ?? null,
      description: changes.description ?? null,
      flagged: changes.flagged === undefined ? null : changes.flagged ? 1 : 0,
      slug: changes.slug ?? null,
    });
    if (files !== undefined) this.#writeFiles(id, files);
  }

  /** Remembers that `oldSlug` now means image `id` (an old link answers with a redirect). */
  addRedirect(oldSlug: string, id: string): void {
    this.#db.prepare('INSERT OR REPLACE INTO slug_redirects (old_slug, image_id) VALUES (?, ?)').run(oldSlug, id);
  }

  /** A slug given to an image is no longer a redirect to another one. */
  dropRedirect(slug: string): void {
    this.#db.prepare('DELETE FROM slug_redirects WHERE old_slug = ?').run(slug);
  }

  delete(id: string): void {
    this.#db.prepare('DELETE FROM images WHERE id = ?').run(id);
  }

  deleteAll(): void {
    this.#db.prepare('DELETE FROM images').run();
  }

  galleryChangedAt(): number | undefined {
    return (this.#db.prepare('SELECT changed_at FROM gallery WHERE id = 1').get() as { changed_at: number } | undefined)
      ?.changed_at;
  }

  touchGallery(title: string, at: number): void {
    this.#db
      .prepare(
        `INSERT INTO gallery (id, title, changed_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET changed_at = excluded.changed_at`,
      )
      .run(title, at);
  }

  #writeFiles(id: string, files: ImagePair): void {
    const write = this.#db.prepare(
      `INSERT OR REPLACE INTO image_files (image_id, variant, content_type, width, height, bytes)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    for (const [variant, file] of [
      ['full', files.full],
      ['thumb', files.thumb],
    ] as const)
      write.run(id, variant, file.contentType, file.width, file.height, file.bytes);
  }
}
