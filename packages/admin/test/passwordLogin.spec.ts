import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdmin, hashAdminPassword, type AdminCaching } from '@cacheset/admin';
import { CachePolicy, OperationRegistry, RulesetRegistry, CachingEngine } from '@cacheset/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The log-in form with a password (its hash in the options), on node:http, with the real engine. */
describe('log-in by password', () => {
  const operations = new OperationRegistry();
  const rulesets = new RulesetRegistry();
  const engine = new CachingEngine({ rulesets, operations, policy: CachePolicy.compile({}, { operations }) });
  const caching: AdminCaching = {
    engine,
    prepareExplain: () => {
      throw new Error('not used');
    },
    setPolicy: (policy) => engine.setPolicy(policy),
  };
  const admin = createAdmin({
    caching,
    token: 'the-admin-token-0123456789',
    password: hashAdminPassword('correct horse battery staple'),
    loginBackoff: { firstMs: 1, maxMs: 2 },
  });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer(admin.listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_cacheset/`;
  });
  afterAll(async () => {
    admin.close();
    await new Promise((resolve) => server.close(resolve));
  });

  async function logIn(secret: string): Promise<Response> {
    const form = await fetch(`${base}login`);
    const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    return await fetch(`${base}login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ token: secret, csrf }).toString(),
    });
  }

  it('accepts the password or the token in the form, refuses a wrong one', async () => {
    expect((await logIn('correct horse battery staple')).status).toBe(303);
    expect((await logIn('the-admin-token-0123456789')).status).toBe(303);
    expect((await logIn('wrong horse')).status).toBe(401);
    // The password is for the form only: the API takes the token.
    const api = await fetch(`${base}api/stats`, { headers: { authorization: 'Bearer correct horse battery staple' } });
    expect(api.status).toBe(401);
  });

  it('refuses a password given in the clear instead of its hash', () => {
    expect(() => createAdmin({ caching, token: 'the-admin-token-0123456789', password: 'hunter2' })).toThrow(
      /password must be a hash made by hashAdminPassword/,
    );
  });
});
