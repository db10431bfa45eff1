import type { IncomingMessage, ServerResponse } from 'node:http';
import { CachesetError, consoleLogger, type CachesetLogger } from '@cacheset/core';
import type { AdminExplanation } from './api/AdminApiTypes.js';
import { purgeAction, purgeTargets } from './api/purgeAction.js';
import {
  AdminAuth,
  LOGIN_COOKIE,
  SESSION_COOKIE,
  cookieValue,
  sameOrigin,
  sameSecret,
  type Credential,
} from './auth/AdminAuth.js';
import { resolveAdminOptions, type AdminOptions, type ResolvedAdminOptions } from './AdminOptions.js';
import { adminError, AdminErrorCodes } from './errors/adminErrorCodes.js';
import { explainUrl, type ExplainQuery } from './explain/explainUrl.js';
import { STYLESHEET } from './html/stylesheet.js';
import type { PageContext } from './html/layout.js';
import { explainScreen } from './html/screens/explainScreen.js';
import { loginScreen } from './html/screens/loginScreen.js';
import { overviewScreen } from './html/screens/overviewScreen.js';
import { policyScreen } from './html/screens/policyScreen.js';
import { purgeScreen } from './html/screens/purgeScreen.js';
import { RAM_SORT_KEYS, ramScreen, type RamSortKey } from './html/screens/ramScreen.js';
import { rulesetsScreen } from './html/screens/rulesetsScreen.js';
import { isForm, readForm, readJson } from './http/readBody.js';
import { problemsOf, redirect, send, sendError, sendHtml, sendJson, statusOf } from './http/respond.js';
import { PolicyEditor } from './policy/PolicyEditor.js';
import { collectStats, fsStats, purgeStats, ramStats } from './stats/collectStats.js';
import { HitRatioHistory } from './stats/HitRatioHistory.js';

/** A request inside the mount, once authenticated. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The path under the mount, without the leading mount (`api/stats`, `` for the overview). */
  readonly route: string;
  readonly query: URLSearchParams;
  readonly credential: Extract<Credential, { kind: 'bearer' } | { kind: 'session' }>;
}

const FLASHES: Readonly<Record<string, string>> = {
  saved: 'Saved and applied: the next response follows the new policy.',
  enabled: 'Caching is switched on.',
  disabled: 'Caching is switched off.',
  invalidated: 'Invalidated.',
  purged: 'Purged.',
};

const UNSAFE = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

function allowed(res: ServerResponse, methods: string): void {
  sendError(res, adminError(AdminErrorCodes.METHOD_NOT_ALLOWED, 405, `Use ${methods} here.`), {
    headers: { allow: methods },
  });
}

function isApi(route: string): boolean {
  return route === 'api' || route.startsWith('api/');
}

/**
 * The caching control panel as one node `(req, res)` handler: screens (plain HTML, no script) and
 * the JSON API under one mount path, every route but the log-in page and the stylesheet behind the
 * admin token. The framework mounts (`@cacheset/admin/express`, `/fastify`, `/koa`) hand it their
 * raw requests; on node:http use `listener` or call `handle` for paths that `matches`.
 */
export class CachesetAdmin {
  readonly mountPath: string;
  readonly #options: ResolvedAdminOptions;
  readonly #auth: AdminAuth;
  readonly #policy: PolicyEditor;
  readonly #history: HitRatioHistory;
  readonly #logger: CachesetLogger;
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(options: AdminOptions) {
    this.#options = resolveAdminOptions(options);
    this.mountPath = this.#options.mountPath;
    this.#auth = new AdminAuth(this.#options.token, this.#options.loginBackoff);
    this.#policy = new PolicyEditor(this.#options.caching, this.#options.policyFile);
    this.#history = new HitRatioHistory(this.#options.hitRatio);
    this.#logger = this.#options.logger ?? consoleLogger;
    const ram = this.#options.ram;
    if (ram !== undefined) {
      const sample = (): void => {
        const s = ram.statistics();
        this.#history.read(Date.now(), s.hits, s.misses);
      };
      sample();
      this.#timer = setInterval(sample, this.#options.hitRatio.intervalMs);
      this.#timer.unref();
    }
  }

  /** Whether a request is for the admin (its path is under the mount, or the mount without its slash). */
  matches(req: IncomingMessage): boolean {
    const path = this.#pathOf(req);
    return path.startsWith(this.mountPath) || path === this.mountPath.slice(0, -1);
  }

  /** A node:http listener: the admin under the mount, 404 elsewhere. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (this.matches(req)) void this.handle(req, res);
    else sendError(res, adminError(AdminErrorCodes.NOT_FOUND, 404, `Nothing here; the admin is at ${this.mountPath}.`));
  };

  /** Answers one request under the mount. Never rejects: every failure is answered (and logged when unexpected). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.#dispatch(req, res);
    } catch (error) {
      if (CachesetError.is(error)) {
        // The admin's own errors carry their status; a layer refusing the input (a bad path) is a 400.
        if (typeof error.details.status === 'number') sendError(res, error);
        else sendJson(res, 400, { error: { code: error.code, message: error.message } });
      } else {
        this.#logger.error(
          `cacheset admin: ${req.method} ${req.url} failed: ${(error as Error).stack ?? String(error)}`,
        );
        sendError(res, adminError(AdminErrorCodes.BAD_REQUEST, 500, 'The admin failed; the error was logged.'));
      }
    }
  }

  /** Stops sampling the RAM hit ratio. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  #pathOf(req: IncomingMessage): string {
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const q = url.indexOf('?');
    return q < 0 ? url : url.slice(0, q);
  }

  #context(csrf: string | undefined): PageContext {
    return { mount: this.mountPath, title: this.#options.title, csrf };
  }

  async #dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL((req as { originalUrl?: string }).originalUrl ?? req.url ?? '/', 'http://admin.invalid');
    const path = url.pathname;
    if (path === this.mountPath.slice(0, -1)) return redirect(res, this.mountPath);
    const route = path.slice(this.mountPath.length).replace(/\/$/, '');
    const method = req.method ?? 'GET';
    if (route === 'admin.css') {
      if (method !== 'GET' && method !== 'HEAD') return allowed(res, 'GET');
      return send(res, 200, 'text/css; charset=utf-8', STYLESHEET);
    }
    if (route === 'login') return await this.#login(req, res);
    const credential = await this.#auth.credential(req);
    if (credential.kind === 'busy')
      return sendError(
        res,
        adminError(
          AdminErrorCodes.TOO_MANY_ATTEMPTS,
          429,
          'Too many failed attempts from your address are waiting; try again later.',
        ),
        { headers: { 'retry-after': '30' } },
      );
    if (credential.kind === 'none' || credential.kind === 'wrong')
      return this.#unauthorized(req, res, route, credential);
    if (credential.kind === 'session' && UNSAFE.has(method)) {
      // A browser's state-changing request: from the admin's own pages (Origin), with the session's CSRF token.
      if (!sameOrigin(req))
        return this.#forbidden(res, 'The request came from another site (its Origin is not this one).');
      const header = req.headers['x-csrf-token'];
      if (typeof header === 'string') {
        if (!sameSecret(header, credential.csrf)) return this.#forbidden(res, 'The CSRF token is wrong.');
      } else if (!isApi(route) && isForm(req)) {
        const form = await readForm(req);
        const token = form.get('csrf') ?? '';
        if (!sameSecret(token, credential.csrf))
          return this.#forbidden(res, 'The form has no valid CSRF token; reload the page and send it again.');
        return await this.#screenPost({ req, res, route, query: url.searchParams, credential }, form);
      } else return this.#forbidden(res, 'Send the X-CSRF-Token header (or use the bearer token).');
    }
    const exchange: Exchange = { req, res, route, query: url.searchParams, credential };
    if (isApi(route)) return await this.#api(exchange);
    if (UNSAFE.has(method)) {
      // A bearer-token form post: fine, but forms come from the screens with a session.
      if (!isForm(req)) return this.#forbidden(res, 'Screens take forms; use the API under api/ for JSON.');
      return await this.#screenPost(exchange, await readForm(req));
    }
    return await this.#screen(exchange);
  }

  #forbidden(res: ServerResponse, message: string): void {
    sendError(res, adminError(AdminErrorCodes.FORBIDDEN, 403, message));
  }

  #unauthorized(req: IncomingMessage, res: ServerResponse, route: string, credential: Credential): void {
    const message =
      credential.kind === 'wrong'
        ? 'The token is wrong.'
        : 'Log in, or send the admin token as Authorization: Bearer <token>.';
    const challenge = { 'www-authenticate': 'Bearer realm="cacheset admin"' };
    if (isApi(route) || req.method !== 'GET')
      return sendError(res, adminError(AdminErrorCodes.UNAUTHORIZED, 401, message), { headers: challenge });
    const csrf = this.#auth.loginCsrf();
    sendHtml(res, 401, loginScreen(this.#context(undefined), csrf), {
      ...challenge,
      'set-cookie': this.#loginCookie(csrf),
    });
  }

  #cookie(name: string, value: string, maxAge: number): string {
    const secure = (this.#options.appOrigin?.protocol ?? '') === 'https:' ? '; Secure' : '';
    return `${name}=${value}; Path=${this.mountPath}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
  }

  #loginCookie(csrf: string): string {
    return this.#cookie(LOGIN_COOKIE, csrf, 600);
  }

  async #login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') {
      const csrf = this.#auth.loginCsrf();
      return sendHtml(res, 200, loginScreen(this.#context(undefined), csrf), { 'set-cookie': this.#loginCookie(csrf) });
    }
    if (method !== 'POST') return allowed(res, 'GET, POST');
    if (!sameOrigin(req))
      return this.#forbidden(res, 'The log-in came from another site (its Origin is not this one).');
    if (!isForm(req)) return this.#forbidden(res, 'Log in with the form.');
    const form = await readForm(req);
    const expected = cookieValue(req, LOGIN_COOKIE);
    if (expected === undefined || expected === '' || !sameSecret(form.get('csrf') ?? '', expected))
      return this.#forbidden(res, 'The log-in form has no valid CSRF token; reload the log-in page.');
    const result = await this.#auth.attempt(req, form.get('token') ?? '');
    if (result !== 'ok') {
      const csrf = this.#auth.loginCsrf();
      const status = result === 'busy' ? 429 : 401;
      const message =
        result === 'busy' ? 'Too many failed attempts are waiting; try again later.' : 'The token is wrong.';
      return sendHtml(res, status, loginScreen(this.#context(undefined), csrf, message), {
        'set-cookie': this.#loginCookie(csrf),
      });
    }
    const session = this.#auth.open();
    redirect(res, this.mountPath, {
      'set-cookie': [
        this.#cookie(SESSION_COOKIE, session.id, AdminAuth.sessionMaxAgeSeconds),
        this.#cookie(LOGIN_COOKIE, '', 0),
      ],
    });
  }

  #layers() {
    const { ram, disk, purger } = this.#options;
    return { ram, disk, purger, logError: (m: string) => this.#logger.error(m) };
  }

  #explainContext(req: IncomingMessage) {
    const origin =
      this.#options.appOrigin ??
      new URL(
        `http://${(req.socket.localAddress ?? '127.0.0.1').includes(':') ? `[${req.socket.localAddress}]` : req.socket.localAddress}:${req.socket.localPort}`,
      );
    return {
      caching: this.#options.caching,
      users: this.#options.users,
      origin,
      ramConfigured: this.#options.ram !== undefined,
      diskConfigured: this.#options.disk !== undefined,
    };
  }

  #explainQuery(query: URLSearchParams): ExplainQuery | undefined {
    const url = query.get('url');
    if (url === null || url.trim() === '') return undefined;
    const user = query.get('user');
    return {
      url: url.trim(),
      method: query.get('method') ?? 'GET',
      headers: query
        .getAll('header')
        .flatMap((h) => h.split(/\r?\n/))
        .map((h) => h.trim())
        .filter((h) => h !== ''),
      user: user === null || user === '' ? undefined : user,
    };
  }

  async #api(x: Exchange): Promise<void> {
    const { req, res, route } = x;
    const method = req.method ?? 'GET';
    const get = method === 'GET' || method === 'HEAD';
    switch (route) {
      case 'api/stats':
        if (!get) return allowed(res, 'GET');
        return sendJson(res, 200, this.#stats());
      case 'api/explain': {
        if (!get) return allowed(res, 'GET');
        const query = this.#explainQuery(x.query);
        if (query === undefined)
          throw adminError(AdminErrorCodes.BAD_REQUEST, 400, 'Give the URL to explain: api/explain?url=/path.');
        return sendJson(res, 200, await explainUrl(this.#explainContext(req), query));
      }
      case 'api/policy':
        if (get) return sendJson(res, 200, await this.#policy.read());
        if (method !== 'PUT') return allowed(res, 'GET, PUT');
        return await this.#savePolicy(res, await readJson(req));
      case 'api/purge': {
        if (method !== 'POST') return allowed(res, 'POST');
        const targets = purgeTargets(await readJson(req));
        const answer = await purgeAction(this.#layers(), targets);
        return sendJson(res, targets.wait ? 200 : 202, answer);
      }
      case 'api/ram/invalidate': {
        if (method !== 'POST') return allowed(res, 'POST');
        const body = await readJson(req);
        return sendJson(res, 200, { ok: true, dropped: this.#invalidate(this.#objectOf(body)) });
      }
      case 'api/enabled': {
        if (method !== 'POST') return allowed(res, 'POST');
        const body = (await readJson(req)) as { enabled?: unknown } | null;
        if (typeof body !== 'object' || body === null || typeof body.enabled !== 'boolean')
          throw adminError(
            AdminErrorCodes.BAD_REQUEST,
            400,
            'The body must be { "enabled": true } or { "enabled": false }.',
          );
        await this.#policy.setEnabled(body.enabled);
        return sendJson(res, 200, { enabled: this.#options.caching.engine.policy.enabled });
      }
      default:
        throw adminError(AdminErrorCodes.NOT_FOUND, 404, `No API at ${method} ${this.mountPath}${route}.`);
    }
  }

  #stats() {
    return collectStats({ ...this.#options, history: this.#history });
  }

  #objectOf(body: unknown): string | undefined {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw adminError(AdminErrorCodes.BAD_REQUEST, 400, 'The body must be {} (everything) or { "object": "/path" }.');
    const object = (body as { object?: unknown }).object;
    if (object !== undefined && (typeof object !== 'string' || !object.startsWith('/')))
      throw adminError(
        AdminErrorCodes.BAD_REQUEST,
        400,
        'object must be a path starting with / (as the statistics name it).',
      );
    return object;
  }

  #invalidate(object: string | undefined): number {
    const ram = this.#options.ram;
    if (ram === undefined)
      throw adminError(AdminErrorCodes.NOT_CONFIGURED, 409, 'The RAM cache is not configured in this application.');
    return object === undefined ? ram.invalidateAll() : ram.invalidatePages([object]);
  }

  async #savePolicy(res: ServerResponse, document: unknown): Promise<void> {
    try {
      sendJson(res, 200, await this.#policy.save(document));
    } catch (error) {
      if (!CachesetError.is(error)) throw error;
      sendError(res, error, { problems: problemsOf(error) });
    }
  }

  async #screen(x: Exchange): Promise<void> {
    const { res, route, query } = x;
    const csrf = x.credential.kind === 'session' ? x.credential.csrf : undefined;
    const context = this.#context(csrf);
    const flash = FLASHES[query.get('done') ?? ''];
    const method = x.req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return allowed(res, 'GET');
    switch (route) {
      case '':
        return sendHtml(res, 200, overviewScreen(context, this.#stats(), this.#options.hitRatio.intervalMs, flash));
      case 'rulesets':
        return sendHtml(res, 200, rulesetsScreen(context, this.#options.caching.engine));
      case 'policy':
        return sendHtml(
          res,
          200,
          policyScreen(context, await this.#policy.read(), flash === undefined ? {} : { flash }),
        );
      case 'ram': {
        const key = (RAM_SORT_KEYS as readonly string[]).includes(query.get('sort') ?? '')
          ? (query.get('sort') as RamSortKey)
          : 'hits';
        const order = query.get('order') === 'asc' ? 'asc' : 'desc';
        const ram = this.#options.ram === undefined ? null : ramStats(this.#options.ram, this.#history);
        return sendHtml(res, 200, ramScreen(context, ram, { key, order }, flash));
      }
      case 'purge':
        return sendHtml(res, 200, this.#purgePage(context, flash === undefined ? {} : { flash }));
      case 'explain': {
        const q = this.#explainQuery(query);
        let outcome: AdminExplanation | string | undefined;
        if (q !== undefined) {
          try {
            outcome = await explainUrl(this.#explainContext(x.req), q);
          } catch (error) {
            if (!CachesetError.is(error)) throw error;
            outcome = error.message;
          }
        }
        return sendHtml(
          res,
          typeof outcome === 'string' ? 400 : 200,
          explainScreen(context, this.#options.users, q, outcome),
        );
      }
      default:
        throw adminError(AdminErrorCodes.NOT_FOUND, 404, `No screen at ${this.mountPath}${route}.`);
    }
  }

  #purgePage(context: PageContext, state: { readonly flash?: string; readonly problem?: string }): string {
    const { disk, purger } = this.#options;
    return purgeScreen(
      context,
      disk === undefined ? null : fsStats(disk),
      purger === undefined ? null : purgeStats(purger),
      state,
    );
  }

  async #screenPost(x: Exchange, form: URLSearchParams): Promise<void> {
    const { res, route } = x;
    const context = this.#context(x.credential.kind === 'session' ? x.credential.csrf : undefined);
    const back = (screen: string, done: string): void => redirect(res, `${this.mountPath}${screen}?done=${done}`);
    switch (route) {
      case 'logout':
        if (x.credential.kind === 'session') this.#auth.close(x.credential.id);
        return redirect(res, `${this.mountPath}login`, { 'set-cookie': this.#cookie(SESSION_COOKIE, '', 0) });
      case 'enabled': {
        const enabled = form.get('enabled') === 'true';
        await this.#policy.setEnabled(enabled);
        return back('', enabled ? 'enabled' : 'disabled');
      }
      case 'policy': {
        const document = form.get('document');
        try {
          if (document !== null) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(document) as unknown;
            } catch (error) {
              throw adminError(
                AdminErrorCodes.BAD_REQUEST,
                400,
                `The document is not valid JSON: ${(error as Error).message}.`,
              );
            }
            await this.#policy.save(parsed);
          } else {
            const ruleset = form.get('ruleset') ?? '';
            const operation = form.get('operation') ?? '';
            await this.#policy.setOperation(ruleset, operation === '' ? null : operation);
          }
        } catch (error) {
          if (!CachesetError.is(error)) throw error;
          const state = { problem: error.message, ...(document === null ? {} : { draft: document }) };
          return sendHtml(res, statusOf(error), policyScreen(context, await this.#policy.read(), state));
        }
        return back('policy', 'saved');
      }
      case 'ram/invalidate': {
        const object = form.get('object');
        this.#invalidate(object === null || object === '' ? undefined : this.#objectOf({ object }));
        return back('ram', 'invalidated');
      }
      case 'purge': {
        const paths = (form.get('paths') ?? '')
          .split(/\r?\n/)
          .map((p) => p.trim())
          .filter((p) => p !== '');
        const tags = (form.get('tags') ?? '').split(/[\s,]+/).filter((t) => t !== '');
        try {
          await purgeAction(this.#layers(), purgeTargets({ paths, tags, wait: true }));
        } catch (error) {
          if (!CachesetError.is(error)) throw error;
          return sendHtml(res, statusOf(error), this.#purgePage(context, { problem: error.message }));
        }
        return back('purge', 'purged');
      }
      default:
        throw adminError(AdminErrorCodes.NOT_FOUND, 404, `No form at ${this.mountPath}${route}.`);
    }
  }
}

/** Creates the caching control panel; see `AdminOptions`. */
export function createAdmin(options: AdminOptions): CachesetAdmin {
  return new CachesetAdmin(options);
}
