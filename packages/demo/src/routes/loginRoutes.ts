import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SessionStore } from '../db/SessionStore.js';
import type { Site } from '../server/Site.js';
import { cookieValue, LOGIN_CSRF_COOKIE, sameSecret, SESSION_COOKIE } from '../server/EditorAuth.js';
import { LoginView } from '../views/LoginView.js';
import { renderView } from './renderView.js';

interface LoginBody {
  readonly token?: string;
  readonly csrf?: string;
  readonly next?: string;
}

/** Only a path of this site (never `//elsewhere` or a full URL): where to go after logging in. */
function localPath(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])/.test(next) ? next : '/';
}

function cookie(name: string, value: string, maxAge: number): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`;
}

/** `/login` and `/logout`: the editor's session, in an HttpOnly, SameSite=Lax cookie. */
export function loginRoutes(app: FastifyInstance, site: Site): void {
  const editing = { config: { cacheRuleset: 'gallery.editing' } };

  const loginPage = (reply: FastifyReply, csrfToken: string, error?: string, next?: string) => {
    reply.header('set-cookie', cookie(LOGIN_CSRF_COOKIE, csrfToken, 3600));
    return new LoginView({ editor: false }, site.stylesheet, {
      csrfToken,
      ...(error === undefined ? {} : { error }),
      ...(next === undefined ? {} : { next }),
    });
  };

  app.get<{ Querystring: { next?: string } }>('/login', editing, (request, reply) => {
    const visitor = site.auth.visitor(request.raw);
    const view = visitor.editor
      ? new LoginView(visitor, site.stylesheet, { csrfToken: '' })
      : loginPage(
          reply,
          cookieValue(request.raw, LOGIN_CSRF_COOKIE) ?? randomBytes(18).toString('base64url'),
          undefined,
          localPath(request.query.next),
        );
    return renderView(site, request, reply, view);
  });

  app.post<{ Body: LoginBody }>('/login', editing, (request, reply) => {
    const body = request.body ?? {};
    const expected = cookieValue(request.raw, LOGIN_CSRF_COOKIE);
    const next = localPath(body.next);
    if (expected === undefined || !sameSecret(body.csrf ?? '', expected)) {
      const fresh = randomBytes(18).toString('base64url');
      return renderView(site, request, reply, loginPage(reply, fresh, 'The form expired; give the token again.', next));
    }
    if (!site.auth.tokenMatches(body.token ?? '')) {
      return renderView(site, request, reply, loginPage(reply, expected, 'That is not the editor token.', next));
    }
    const session = site.auth.login();
    reply.header('set-cookie', [
      cookie(SESSION_COOKIE, session.id, SessionStore.lifetimeSeconds),
      cookie(LOGIN_CSRF_COOKIE, '', 0),
    ]);
    return reply.redirect(next, 303);
  });

  app.post<{ Body: { csrf?: string } }>('/logout', editing, (request, reply) => {
    const session = site.auth.session(request.raw);
    if (session !== undefined && sameSecret(request.body?.csrf ?? '', session.csrfToken)) site.auth.logout(session);
    reply.header('set-cookie', cookie(SESSION_COOKIE, '', 0));
    return reply.redirect('/', 303);
  });
}
