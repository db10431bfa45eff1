/**
 * Explain checked against the real thing: for every route of the gallery, anonymous and logged in
 * (the editor's session cookie, and the editor as the admin's named user), the headers explain
 * predicts equal the headers the site then sends for the same request. The RAM cache is emptied
 * before each pair, so the real request meets the same cold cache as the (dry) explained one.
 *
 * What legitimately differs, and is compared loosely:
 * - Date: the clock (explain leaves it out);
 * - Expires: moderateCaching's date in the past is computed from the clock, so within 5 s;
 * - Set-Cookie values: the log-in form's CSRF cookie is a fresh random token per response, so the
 *   cookie names and attributes are compared, not the values;
 * - an ETag or page containing that same token (the log-in form): none of the routes' ETags do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminExplanation } from '@cacheset/admin';
import { adminRequest, startAdminDemo, type AdminDemo } from './support/adminDemo.js';
import { EDITOR_TOKEN } from './support/demo.js';

type Headers = Readonly<Record<string, string>>;

const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

function comparable(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (TRANSPORT.has(name)) continue;
    if (name === 'expires') out[name] = String(Math.round(Date.parse(value) / 5000));
    else if (name === 'set-cookie')
      out[name] = value
        .split('\n')
        .map((c) => c.replace(/^([^=]+)=[^;]*/, '$1=<value>'))
        .join('\n');
    else out[name] = value;
  }
  return out;
}

describe('explain predicts the headers the gallery sends', () => {
  let site: AdminDemo;
  let routes: string[];
  let session: string;

  beforeAll(async () => {
    site = await startAdminDemo({ images: 3 });
    const [image, renamed] = site.demo.running.site.gallery.newest(2);
    if (image === undefined || renamed === undefined) throw new Error('no images');
    // A renamed image: its old address answers with the permanent redirect (the moved ruleset).
    const oldSlug = renamed.slug;
    const rename = await site.demo.api('POST', renamed.id, { slug: `${oldSlug}-renamed` });
    if (rename.status !== 200) throw new Error(`rename failed: ${rename.status} ${rename.text}`);
    routes = [
      '/',
      '/feed.json',
      `/images/${image.slug}`,
      `/data/${image.id}`,
      `/data/${image.id}/thumb`,
      `/images/${image.slug}/edit`,
      '/login',
      site.demo.running.site.stylesheet.url,
      '/static/000000000000/gallery.css',
      `/images/${oldSlug}`,
      '/images/no-such-image',
      '/no/such/page',
    ];
    session = await site.demo.login();
  }, 120_000);
  afterAll(async () => {
    await site?.stop();
  });

  const visitors = (): { name: string; headers: Headers; user?: string }[] => [
    { name: 'anonymous', headers: {} },
    { name: 'the editor (session cookie)', headers: { cookie: session } },
    { name: 'the editor (named user)', headers: { authorization: `Bearer ${EDITOR_TOKEN}` }, user: 'editor' },
  ];

  it('for every route, anonymous and logged in', async () => {
    let compared = 0;
    const seen = new Set<string>();
    for (const route of routes) {
      for (const visitor of visitors()) {
        site.demo.running.site.stack.ram.invalidateAll();
        const query = new URLSearchParams({ url: route });
        if (visitor.user !== undefined) query.set('user', visitor.user);
        else for (const [k, v] of Object.entries(visitor.headers)) query.append('header', `${k}: ${v}`);
        const explained = await site.api('GET', `api/explain?${query.toString()}`);
        expect(explained.status, `${route} as ${visitor.name}`).toBe(200);
        const report = explained.json<AdminExplanation>();
        const real = await adminRequest(`${site.demo.base}${route}`, { headers: visitor.headers });
        expect(report.status, `${route} as ${visitor.name}: status`).toBe(real.status);
        expect(comparable(report.headers), `${route} as ${visitor.name}: headers`).toEqual(comparable(real.headers));
        if (report.ruleset.name !== null) seen.add(report.ruleset.name);
        compared += 1;
      }
    }
    expect(compared).toBe(routes.length * 3);
    // Every ruleset the gallery declares was met: the routes cover the whole site.
    const declared = site.demo.running.site.stack.rulesets.enumerateTypes().map((t) => t.name);
    expect([...seen].sort()).toEqual([...declared].sort());
  }, 120_000);

  it('reports the layers as the real layers then behave (the front page, anonymous and logged in)', async () => {
    site.demo.running.site.stack.ram.invalidateAll();
    const anonymous = (await site.api('GET', 'api/explain?url=/')).json<AdminExplanation>();
    const editor = (await site.api('GET', 'api/explain?url=/&user=editor')).json<AdminExplanation>();
    const verdict = (e: AdminExplanation, layer: string) => e.layers.find((l) => l.layer === layer)?.stores;
    expect([verdict(anonymous, 'proxy'), verdict(anonymous, 'ram'), verdict(anonymous, 'nginx-dump')]).toEqual([
      true,
      true,
      true,
    ]);
    expect([verdict(editor, 'proxy'), verdict(editor, 'nginx-dump')]).toEqual([false, false]);
    // Explaining stored nothing: the first real request is still a miss, and then it is stored.
    expect(site.demo.running.site.stack.ram.statistics().entries).toBe(0);
    const first = await adminRequest(`${site.demo.base}/`);
    expect(first.headers['cache-status']).toContain('fwd=uri-miss');
    const second = await adminRequest(`${site.demo.base}/`);
    expect(second.headers['cache-status']).toMatch(/cacheset; hit/);
  }, 60_000);
});
