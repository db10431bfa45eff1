/**
 * The control panel's protection, on the gallery: every page and API route refuses a request with
 * no credentials, with a wrong token, and a cross-site form post (no CSRF token, a wrong one, a
 * foreign Origin) with 401 or 403, and nothing changes (policy file, running policy, RAM cache, disk
 * dump). The same requests with the right credentials do change things, so each check can fail.
 */
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, adminRequest, startAdminDemo, type AdminDemo } from './support/adminDemo.js';

interface Route {
  readonly method: string;
  readonly path: string;
  /** JSON for the API, a form for the screens. */
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
}

const READS: readonly Route[] = [
  { method: 'GET', path: 'api/stats' },
  { method: 'GET', path: 'api/explain?url=/' },
  { method: 'GET', path: 'api/policy' },
  { method: 'GET', path: '' },
  { method: 'GET', path: 'rulesets' },
  { method: 'GET', path: 'policy' },
  { method: 'GET', path: 'ram' },
  { method: 'GET', path: 'purge' },
  { method: 'GET', path: 'explain?url=/' },
];

/** Every route that changes something, each with a body that would change it. */
const WRITES: readonly Route[] = [
  { method: 'POST', path: 'api/purge', json: { paths: ['/'] } },
  { method: 'POST', path: 'api/ram/invalidate', json: {} },
  { method: 'POST', path: 'api/enabled', json: { enabled: false } },
  { method: 'POST', path: 'policy', form: { ruleset: 'gallery.frontpage', operation: 'noCaching' } },
  { method: 'POST', path: 'enabled', form: { enabled: 'false' } },
  { method: 'POST', path: 'ram/invalidate', form: {} },
  { method: 'POST', path: 'purge', form: { paths: '/' } },
];

describe('the control panel refuses', () => {
  let site: AdminDemo;
  let policyPut: Route;
  let next = 10;
  /** A fresh client address per wrong-token attempt: the back-off per address is tested on its own. */
  const address = (): string => `127.0.0.${(next += 1)}`;

  const dumped = async (): Promise<number> =>
    (await readdir(site.demo.settings.dumpRoot, { recursive: true })).filter((f) => String(f).endsWith('.html')).length;

  /** What an accepted write would change. */
  const state = async () => {
    await site.demo.running.site.stack.dump.settled();
    return {
      file: await site.policyText(),
      enabled: site.demo.running.site.stack.caching.engine.policy.enabled,
      frontpage: site.demo.running.site.stack.caching.engine.policy.operationFor('gallery.frontpage'),
      ram: site.demo.running.site.stack.ram.statistics().entries,
      files: await dumped(),
    };
  };

  const send = (route: Route, headers: Record<string, string>, extra: Record<string, string> = {}, from?: string) =>
    adminRequest(`${site.admin}${route.path}`, {
      method: route.method,
      headers: {
        ...headers,
        ...(route.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(route.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(route.json !== undefined ? { body: JSON.stringify(route.json) } : {}),
      ...(route.form !== undefined ? { body: new URLSearchParams({ ...route.form, ...extra }).toString() } : {}),
      ...(from === undefined ? {} : { from }),
    });

  beforeAll(async () => {
    site = await startAdminDemo({ images: 3 });
    const document = (await site.api('GET', 'api/policy')).json<{ policy: { policy: Record<string, unknown> } }>()
      .policy;
    const policy = document.policy as { operationMapping: Record<string, string> };
    policyPut = {
      method: 'PUT',
      path: 'api/policy',
      json: {
        ...document,
        policy: { ...policy, operationMapping: { ...policy.operationMapping, 'gallery.frontpage': 'noCaching' } },
      },
    };
  }, 120_000);
  afterAll(async () => {
    await site?.stop();
  });

  const all = (): Route[] => [...READS, ...WRITES, policyPut];

  it('every route without credentials (401), and changes nothing', async () => {
    await site.demo.get('/');
    const before = await state();
    expect(before.ram).toBeGreaterThan(0);
    expect(before.files).toBeGreaterThan(0);
    for (const route of all()) {
      const answer = await send(route, {});
      expect(answer.status, `${route.method} ${route.path}`).toBe(401);
      expect(answer.headers['cache-control']).toBe('no-store, private');
    }
    expect(await state()).toEqual(before);
  }, 60_000);

  it('every route with a wrong token (401), and changes nothing', async () => {
    const before = await state();
    for (const route of all()) {
      const answer = await send(route, { authorization: `Bearer ${ADMIN_TOKEN}x` }, {}, address());
      expect(answer.status, `${route.method} ${route.path}`).toBe(401);
    }
    const form = await adminRequest(`${site.admin}login`, { from: address() });
    const cookie = (form.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    const login = await adminRequest(`${site.admin}login`, {
      method: 'POST',
      from: address(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ token: 'not-the-token-0123456789', csrf }).toString(),
    });
    expect(login.status).toBe(401);
    expect(login.headers['set-cookie'] ?? '').not.toContain('cacheset_admin=');
    // An unknown session cookie is no credential either.
    expect((await send(READS[0] as Route, { cookie: 'cacheset_admin=forged' })).status).toBe(401);
    expect(await state()).toEqual(before);
  }, 60_000);

  it('cross-site form posts: no CSRF token, a wrong one, a foreign Origin (403), and changes nothing', async () => {
    const { cookie, csrf } = await site.login();
    const before = await state();
    for (const route of [...WRITES, policyPut]) {
      const where = `${route.method} ${route.path}`;
      if (route.form !== undefined) {
        expect((await send(route, { cookie })).status, `${where} without a token`).toBe(403);
        expect((await send(route, { cookie }, { csrf: `${csrf}x` })).status, `${where} wrong token`).toBe(403);
        const foreign = { cookie, origin: 'https://evil.example' };
        expect((await send(route, foreign, { csrf })).status, `${where} foreign Origin`).toBe(403);
        const site2 = { cookie, 'sec-fetch-site': 'cross-site' };
        expect((await send(route, site2, { csrf })).status, `${where} cross-site fetch`).toBe(403);
      } else {
        expect((await send(route, { cookie })).status, `${where} without X-CSRF-Token`).toBe(403);
        expect((await send(route, { cookie, 'x-csrf-token': 'x' })).status, `${where} wrong X-CSRF-Token`).toBe(403);
        const foreign = { cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' };
        expect((await send(route, foreign)).status, `${where} foreign Origin`).toBe(403);
      }
    }
    // A cross-site log-in form (login CSRF) is refused too.
    const login = await adminRequest(`${site.admin}login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ token: ADMIN_TOKEN, csrf: 'x' }).toString(),
    });
    expect(login.status).toBe(403);
    expect(await state()).toEqual(before);

    // The same form with its token, from the admin's own page, is accepted: the refusals above were the checks.
    const own = await send(WRITES[3] as Route, { cookie, origin: new URL(site.admin).origin }, { csrf });
    expect(own.status).toBe(303);
    expect(site.demo.running.site.stack.caching.engine.policy.operationFor('gallery.frontpage')).toBe('noCaching');
    expect(await site.policyText()).not.toBe(before.file);
  }, 60_000);

  it('sets the session cookie HttpOnly and SameSite=Strict, and slows repeated failed log-ins', async () => {
    const form = await adminRequest(`${site.admin}login`);
    const loginCookie = (form.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    const attempt = (token: string) =>
      adminRequest(`${site.admin}login`, {
        method: 'POST',
        from: '127.0.0.250',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
        body: new URLSearchParams({ token, csrf }).toString(),
      });
    const ok = await attempt(ADMIN_TOKEN);
    expect(ok.status).toBe(303);
    const session = (ok.headers['set-cookie'] ?? '').split('\n').find((c) => c.startsWith('cacheset_admin=')) ?? '';
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).toMatch(/; Path=\/_cacheset\//);
    // The default back-off: 0.5 s after the first failure, 1 s after the second. A lower bound only.
    await attempt('wrong-token-000000000000');
    await attempt('wrong-token-111111111111');
    const started = Date.now();
    const third = await attempt(ADMIN_TOKEN);
    expect(third.status).toBe(303);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  }, 60_000);
});
