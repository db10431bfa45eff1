import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoginThrottle, type LoginBackoff } from './LoginThrottle.js';

/** The admin's session cookie: HttpOnly, SameSite=Strict, scoped to the mount. */
export const SESSION_COOKIE = 'cacheset_admin';
/** The log-in form's CSRF cookie (there is no session yet to hold its token). */
export const LOGIN_COOKIE = 'cacheset_admin_login';

const SESSION_MS = 8 * 60 * 60_000;
const MAX_SESSIONS = 1000;

interface Session {
  readonly id: string;
  readonly csrf: string;
  readonly expires: number;
}

/** Who a request is, once its credentials were checked. */
export type Credential =
  | { readonly kind: 'bearer' }
  | { readonly kind: 'session'; readonly csrf: string; readonly id: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'wrong' }
  | { readonly kind: 'busy' };

/** Compares secrets in constant time (by digest, so different lengths leak nothing either). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** The address failed log-ins are counted against. */
export function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The admin's credentials: the token (as a bearer token, or typed once into the log-in form), the
 * sessions a log-in opens (kept in this process: a restart logs everybody out), and the CSRF token
 * of each session. Sessions are random 32-byte ids; only the token is guessable by trying, so only
 * token attempts are slowed (`LoginThrottle`).
 */
export class AdminAuth {
  readonly #token: string;
  readonly #sessions = new Map<string, Session>();
  readonly throttle: LoginThrottle;

  constructor(token: string, backoff: Required<LoginBackoff>) {
    this.#token = token;
    this.throttle = new LoginThrottle(backoff);
  }

  /** Checks a token attempt from this request's address, after its back-off; counts a failure. */
  async attempt(req: IncomingMessage, given: string): Promise<'ok' | 'wrong' | 'busy'> {
    const address = clientAddress(req);
    if (!(await this.throttle.turn(address))) return 'busy';
    if (sameSecret(given, this.#token)) {
      this.throttle.succeeded(address);
      return 'ok';
    }
    this.throttle.failed(address);
    return 'wrong';
  }

  /** The request's credential: a bearer token (checked, slowed when wrong) or a live session cookie. */
  async credential(req: IncomingMessage): Promise<Credential> {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (match === null) return { kind: 'wrong' };
      const result = await this.attempt(req, match[1] as string);
      return result === 'ok' ? { kind: 'bearer' } : { kind: result };
    }
    const session = this.session(req);
    return session === undefined ? { kind: 'none' } : { kind: 'session', csrf: session.csrf, id: session.id };
  }

  session(req: IncomingMessage): Session | undefined {
    const id = cookieValue(req, SESSION_COOKIE);
    if (id === undefined || id === '') return undefined;
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expires <= Date.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  open(): Session {
    const now = Date.now();
    for (const [id, s] of this.#sessions) if (s.expires <= now) this.#sessions.delete(id);
    // The oldest session goes first when too many are open (a Map iterates in insertion order).
    while (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
    const session = { id: newSecret(), csrf: newSecret(), expires: now + SESSION_MS };
    this.#sessions.set(session.id, session);
    return session;
  }

  close(id: string): void {
    this.#sessions.delete(id);
  }

  /** A new token for the log-in form (double-submitted: cookie and field). */
  loginCsrf(): string {
    return newSecret();
  }

  static sessionMaxAgeSeconds = SESSION_MS / 1000;
}

/**
 * Whether a state-changing browser request comes from the admin's own pages: its Origin (or, when a
 * browser sends none, its Sec-Fetch-Site) must be this site. SameSite=Strict already keeps the
 * cookie off cross-site requests; this and the CSRF token are the second and third locks.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (origin !== undefined) {
    if (host === undefined) return false;
    try {
      return new URL(origin).host === host;
    } catch {
      return false;
    }
  }
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}
