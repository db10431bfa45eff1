/**
 * Per-user and per-role RAM copies end to end: a real node:http server on a free loopback port with
 * `createHttpCaching({ responseCache: RamCacheManager })`, requested over TCP. With the ETag keyed by
 * `userid` (or `roles`) each user (or role set) gets its own RAM copy: kept private, answered only to
 * that user (or role set), never to anyone else, whatever ETag they send.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RulesetRegistry, type CacheUser } from '@cacheset/core';
import { cachingHandler, createHttpCaching } from '@cacheset/http';
import { RamCacheManager } from '@cacheset/ram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawResponse } from './support/httpRequest.js';

/** Who asks: `X-User: alice` and `X-Roles: Member, Editor` (none: anonymous). */
function userOf(request: IncomingMessage): CacheUser | undefined {
  const id = request.headers['x-user'];
  if (typeof id !== 'string') return undefined;
  const roles = request.headers['x-roles'];
  return { id, roles: typeof roles === 'string' ? roles.split(',').map((r) => r.trim()) : [] };
}

const as = (id: string, roles: string): { headers: Record<string, string> } => ({
  headers: { 'x-user': id, 'x-roles': roles },
});

describe('per-user and per-role RAM copies through a real node:http server', () => {
  let server: Server;
  let base: string;
  let ram: RamCacheManager;
  const renders = new Map<string, number>();
  const ramLog: string[] = [];
  const ramLogger = {
    warn: (message: string) => void ramLog.push(message),
    error: (message: string) => void ramLog.push(message),
  };
  const quiet = { warn: () => undefined, error: () => undefined };

  beforeAll(async () => {
    ram = new RamCacheManager({ bus: false, logger: ramLogger, maxAge: 600 });
    const caching = createHttpCaching({
      rulesets: new RulesetRegistry(),
      responseCache: ram,
      logger: quiet,
      user: userOf,
      policy: {
        operationMapping: {
          'site.dashboard': 'moderateCaching',
          'site.members': 'moderateCaching',
          'site.notes': 'weakCaching',
        },
        operations: {
          moderateCaching: {
            rulesets: {
              'site.dashboard': { etags: ['userid'], ramCache: true },
              'site.members': { etags: ['roles'], ramCache: true },
            },
          },
          weakCaching: { rulesets: { 'site.notes': { etags: ['userid'], ramCache: true } } },
        },
      },
    });
    const view = (req: IncomingMessage, res: ServerResponse): void => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const count = (renders.get(path) ?? 0) + 1;
      renders.set(path, count);
      const user = userOf(req);
      // The application's own say: this page must not be kept for anyone.
      if (path === '/dashboard/secret') res.setHeader('Cache-Control', 'private');
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      const who = user === undefined ? 'anonymous' : `${user.id} (${user.roles.join(', ')})`;
      res.end(`<h1>${path}</h1><p>for ${who}</p><p>render ${count}</p>`);
    };
    const routes = new Map([
      ['dashboard', cachingHandler(caching, view, { ruleset: 'site.dashboard' })],
      ['members', cachingHandler(caching, view, { ruleset: 'site.members' })],
      ['notes', cachingHandler(caching, view, { ruleset: 'site.notes' })],
    ]);
    server = createServer((req, res) => {
      const section = (req.url ?? '/').split('/')[1] ?? '';
      const route = routes.get(section);
      if (route === undefined) res.writeHead(404).end();
      else route(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await ram.close();
  });

  const fromRam = (r: RawResponse): boolean => r.headers['x-ramcache'] === 'cacheset.ramcache';

  it('keeps alice’s copy in RAM and replays it to her, still private, without rendering', async () => {
    const first = await rawRequest(`${base}/dashboard/home`, as('alice', 'Member'));
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('max-age=0, must-revalidate, private');
    expect(fromRam(first)).toBe(false);
    const second = await rawRequest(`${base}/dashboard/home`, as('alice', 'Member'));
    expect(fromRam(second)).toBe(true);
    expect(second.text).toBe(first.text);
    expect(second.headers['cache-control']).toBe('max-age=0, must-revalidate, private');
    expect(second.headers['cache-control']).not.toContain('public');
    expect(renders.get('/dashboard/home')).toBe(1);
    expect(ram.statistics()).toMatchObject({ stores: 1, refusals: 0 });
  });

  it('never gives alice’s copy to bob or to an anonymous visitor, even when they send her ETag', async () => {
    const alice = await rawRequest(`${base}/dashboard/mine`, as('alice', 'Member'));
    expect(alice.text).toContain('for alice');
    const etag = alice.headers.etag ?? '';
    expect(etag).toBe('"|alice"');
    for (const init of [as('bob', 'Member'), { headers: {} }]) {
      const other = await rawRequest(`${base}/dashboard/mine`, {
        headers: { ...init.headers, 'if-none-match': etag },
      });
      expect(other.status).toBe(200);
      expect(fromRam(other)).toBe(false);
      expect(other.text).not.toContain('for alice');
    }
    expect(renders.get('/dashboard/mine')).toBe(3);
    // Each kept its own copy: bob’s and the anonymous one are replayed to them, alice’s to her.
    expect((await rawRequest(`${base}/dashboard/mine`, as('bob', 'Member'))).text).toContain('for bob');
    expect((await rawRequest(`${base}/dashboard/mine`)).text).toContain('for anonymous');
    expect((await rawRequest(`${base}/dashboard/mine`, as('alice', 'Member'))).text).toContain('for alice');
    expect(renders.get('/dashboard/mine')).toBe(3);
  });

  it('shares a roles-keyed copy between users of the same roles only', async () => {
    const alice = await rawRequest(`${base}/members/board`, as('alice', 'Member, Editor'));
    expect(alice.text).toContain('for alice');
    // carol has the same roles, listed in another order: she gets the copy rendered for them.
    const carol = await rawRequest(`${base}/members/board`, as('carol', 'Editor, Member'));
    expect(fromRam(carol)).toBe(true);
    expect(carol.text).toBe(alice.text);
    expect(carol.headers['cache-control']).toBe('max-age=0, must-revalidate, private');
    expect(renders.get('/members/board')).toBe(1);
    // bob (Member only), a user whose roles spell the anonymous token, and anonymous visitors: their own.
    for (const [init, who] of [
      [as('bob', 'Member'), 'for bob'],
      [as('mallory', 'Anonymous'), 'for mallory'],
      [{ headers: {} }, 'for anonymous'],
    ] as const) {
      const other = await rawRequest(`${base}/members/board`, init);
      expect(fromRam(other)).toBe(false);
      expect(other.text).toContain(who);
    }
    expect(renders.get('/members/board')).toBe(4);
    expect((await rawRequest(`${base}/members/board`)).text).toContain('for anonymous');
    expect((await rawRequest(`${base}/members/board`, as('mallory', 'Anonymous'))).text).toContain('for mallory');
    expect(renders.get('/members/board')).toBe(4);
  });

  it('keeps browser-only (private) forms too: that private is the operation’s, not the application’s', async () => {
    await rawRequest(`${base}/notes/today`);
    const again = await rawRequest(`${base}/notes/today`);
    expect(fromRam(again)).toBe(true);
    expect(again.headers['cache-control']).toBe('max-age=0, must-revalidate, private');
    await rawRequest(`${base}/notes/today`, as('alice', 'Member'));
    const alice = await rawRequest(`${base}/notes/today`, as('alice', 'Member'));
    expect(fromRam(alice)).toBe(true);
    expect(alice.text).toContain('for alice');
    expect(renders.get('/notes/today')).toBe(2);
  });

  it('still never keeps a response the application itself marked private', async () => {
    const before = ram.statistics().stores;
    await rawRequest(`${base}/dashboard/secret`, as('alice', 'Member'));
    const again = await rawRequest(`${base}/dashboard/secret`, as('alice', 'Member'));
    expect(fromRam(again)).toBe(false);
    expect(renders.get('/dashboard/secret')).toBe(2);
    expect(ram.statistics().stores).toBe(before);
  });

  it('never logs a refusal of cacheset’s own private downgrade', () => {
    expect(ramLog.filter((m) => m.includes('private or no-store'))).toEqual([]);
    expect(ramLog.filter((m) => m.includes('not stored'))).toEqual([]);
  });
});
