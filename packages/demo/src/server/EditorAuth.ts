import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CacheUser } from '@cacheset/core';
import type { EditorSession, SessionStore } from '../db/SessionStore.js';
import type { Visitor } from '../views/Visitor.js';

/** The editor's session cookie: HttpOnly, SameSite=Lax; nginx and Varnish bypass requests carrying it. */
export const SESSION_COOKIE = 'gallery_session';
/** The login form's CSRF cookie (before there is a session to hold the token). */
export const LOGIN_CSRF_COOKIE = 'gallery_login';

const EDITOR: CacheUser = { id: 'editor', roles: ['Editor'] };

export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/** Compares secrets in constant time (by digest, so different lengths leak nothing either). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Who is asking: the editor (a live session cookie, or `Authorization: Bearer <editor token>`) or an
 * anonymous visitor. The HTTP cache manager asks the same question through `userOf`, so an editor's
 * responses are marked private and never stored for anyone else.
 */
export class EditorAuth {
  readonly #sessions: SessionStore;
  readonly #token: string;

  constructor(sessions: SessionStore, token: string) {
    this.#sessions = sessions;
    this.#token = token;
  }

  tokenMatches(given: string): boolean {
    return sameSecret(given, this.#token);
  }

  session(req: IncomingMessage): EditorSession | undefined {
    const id = cookieValue(req, SESSION_COOKIE);
    return id === undefined || id === '' ? undefined : this.#sessions.find(id);
  }

  /** A request carrying the editor token as a bearer token (the editing API). */
  bearer(req: IncomingMessage): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    return match !== null && this.tokenMatches(match[1] as string);
  }

  /** For `createHttpCaching({ user })`. */
  readonly userOf = (req: IncomingMessage): CacheUser | undefined =>
    this.bearer(req) || this.session(req) !== undefined ? EDITOR : undefined;

  visitor(req: IncomingMessage): Visitor {
    const session = this.session(req);
    return session === undefined ? { editor: false } : { editor: true, csrfToken: session.csrfToken };
  }

  login(): EditorSession {
    return this.#sessions.create();
  }

  logout(session: EditorSession): void {
    this.#sessions.delete(session.id);
  }
}
