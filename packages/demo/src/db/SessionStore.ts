import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';

/** An editor's session: its cookie value (known only to the browser) and the CSRF token of its forms. */
export interface EditorSession {
  readonly id: string;
  readonly csrfToken: string;
}

const LIFETIME_MS = 8 * 60 * 60 * 1000;

/** Only a digest of the session id is stored: a copy of the database does not let anyone log in. */
const digest = (id: string): string => createHash('sha256').update(id).digest('hex');

/** Editor sessions, in the database so that every process of the site knows them. */
export class SessionStore {
  readonly #db: Database;
  readonly #now: () => number;

  constructor(db: Database, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  create(): EditorSession {
    const session = { id: randomBytes(24).toString('base64url'), csrfToken: randomBytes(24).toString('base64url') };
    const now = this.#now();
    this.#db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
    this.#db
      .prepare('INSERT INTO sessions (id_hash, csrf_token, expires_at) VALUES (?, ?, ?)')
      .run(digest(session.id), session.csrfToken, now + LIFETIME_MS);
    return session;
  }

  find(id: string): EditorSession | undefined {
    const row = this.#db
      .prepare('SELECT csrf_token FROM sessions WHERE id_hash = ? AND expires_at > ?')
      .get(digest(id), this.#now()) as { csrf_token: string } | undefined;
    return row === undefined ? undefined : { id, csrfToken: row.csrf_token };
  }

  delete(id: string): void {
    this.#db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(digest(id));
  }

  /** Seconds a new session lasts (for the cookie's Max-Age). */
  static get lifetimeSeconds(): number {
    return LIFETIME_MS / 1000;
  }
}
