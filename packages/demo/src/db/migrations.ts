import type { Database } from 'better-sqlite3';

/**
 * The schema, one step per version (`PRAGMA user_version` records how far a database is). Image
 * bytes live in their own table so that listing images never reads a blob.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE gallery (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    title TEXT NOT NULL,
    changed_at INTEGER NOT NULL
  );
  CREATE TABLE images (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    author TEXT NOT NULL,
    flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX images_newest ON images (created_at DESC, id);
  CREATE TABLE image_files (
    image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    variant TEXT NOT NULL CHECK (variant IN ('full', 'thumb')),
    content_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (image_id, variant)
  );
  CREATE TABLE slug_redirects (
    old_slug TEXT PRIMARY KEY,
    image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE
  );
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    csrf_token TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
];

/** Brings a database to the current schema, inside one transaction per step. */
export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version += 1) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
