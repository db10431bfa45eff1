import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPurger, purgeEndpoint, type Purger, type PurgeEndpointOptions } from '@cacheset/purge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, RecordingProxy, recordingLogger } from './support/proxyServers.js';

const TOKEN = 'a-long-operator-token-0123456789';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

describe('the operator purge endpoint', () => {
  let proxy: RecordingProxy;
  let purger: Purger;
  let server: Server | undefined;

  async function serve(p: Purger, options: PurgeEndpointOptions): Promise<string> {
    server = createServer(purgeEndpoint(p, options));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/_purge`;
  }

  async function call(
    url: string,
    init: { method?: string; token?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    const response = await fetch(url, {
      method: init.method ?? 'POST',
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  beforeEach(async () => {
    proxy = await RecordingProxy.start();
    purger = createPurger({
      proxies: [proxy.url],
      bus: false,
      logger: recordingLogger(),
      delivery: { retry: { attempts: 2, initialDelayMs: 10 } },
    });
  });
  afterEach(async () => {
    if (server !== undefined) await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    await purger.close();
    await proxy.stop();
  });

  it('without a configured token, answers 403 to everything and purges nothing', async () => {
    for (const token of [undefined, '']) {
      const url = await serve(purger, { token });
      expect((await call(`${url}?path=/a`, { token: 'anything-at-all-long-enough' })).status).toBe(403);
      expect((await call(url, { method: 'GET' })).status).toBe(403);
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    }
    server = undefined;
    expect(proxy.received).toEqual([]);
  });

  it('refuses weak tokens at start-up', () => {
    for (const token of ['short', 'has some spaces in it ok']) {
      expect(() => purgeEndpoint(purger, { token })).toThrowError(
        expect.objectContaining({ code: 'ERR_CACHESET_PURGE_INVALID_ENDPOINT_OPTIONS' }) as Error,
      );
    }
    expect(() => purgeEndpoint(purger, { token: TOKEN, maxBodyBytes: 0 })).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_PURGE_INVALID_ENDPOINT_OPTIONS' }) as Error,
    );
  });

  it('answers 403 without the right bearer token', async () => {
    const url = await serve(purger, { token: TOKEN });
    expect((await call(`${url}?path=/a`)).status).toBe(403);
    expect((await call(`${url}?path=/a`, { token: `${TOKEN}x` })).status).toBe(403);
    expect((await call(`${url}?path=/a`, { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(403);
    expect(proxy.received).toEqual([]);
  });

  it('purges paths and tags from query parameters or a JSON body, synchronously, with every outcome', async () => {
    const url = await serve(purger, { token: TOKEN });
    const byQuery = await call(`${url}?path=/a&path=/b%20c&tag=gallery-1`, { token: TOKEN });
    expect(byQuery.status).toBe(200);
    expect(byQuery.headers.get('cache-control')).toBe('no-store');
    expect(JSON.parse(byQuery.text)).toMatchObject({ ok: true, requests: 3, succeeded: 3 });
    const byBody = await call(url, {
      token: TOKEN,
      body: JSON.stringify({ paths: ['/d'], absolutePaths: ['/_all'], bans: ['^/e'] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(byBody.status).toBe(200);
    expect(proxy.received.map((r) => `${r.method} ${r.url}`).sort()).toEqual(
      ['BAN /', 'PURGE /_all', 'PURGE /a', 'PURGE /b%20c', 'PURGE /d', 'PURGEKEYS /'].sort(),
    );
  });

  it('answers 502 with the details when a proxy did not take the purge', async () => {
    const down = createPurger({
      proxies: [`http://127.0.0.1:${await closedPort()}`],
      bus: false,
      logger: recordingLogger(),
      delivery: { retry: { attempts: 1 } },
    });
    try {
      const url = await serve(down, { token: TOKEN });
      const answer = await call(`${url}?path=/a`, { token: TOKEN });
      expect(answer.status).toBe(502);
      expect(JSON.parse(answer.text)).toMatchObject({
        ok: false,
        failed: 1,
        records: [{ outcome: 'failed', code: 'ERR_CACHESET_PURGE_DELIVERY_FAILED' }],
      });
    } finally {
      await down.close();
    }
  });

  it('rejects bad requests with 400, 405 and 413, and a disabled purger with 503', async () => {
    const url = await serve(purger, { token: TOKEN, maxBodyBytes: 100 });
    expect((await call(url, { token: TOKEN })).status).toBe(400);
    expect((await call(url, { token: TOKEN, body: '{not json' })).status).toBe(400);
    expect((await call(url, { token: TOKEN, body: '{"urls": ["/a"]}' })).status).toBe(400);
    const badTag = await call(`${url}?tag=two%20words`, { token: TOKEN });
    expect([badTag.status, JSON.parse(badTag.text).code]).toEqual([400, 'ERR_CACHESET_PURGE_INVALID_TAG']);
    expect((await call(url, { token: TOKEN, body: JSON.stringify({ paths: ['/'.repeat(200)] }) })).status).toBe(413);
    const put = await call(url, { token: TOKEN, method: 'PUT' });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, HEAD, POST']);
    expect(proxy.received).toEqual([]);
    const off = createPurger({ proxies: [proxy.url], bus: false, enabled: false });
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const offUrl = await serve(off, { token: TOKEN });
    expect((await call(`${offUrl}?path=/a`, { token: TOKEN })).status).toBe(503);
    await off.close();
  });

  it('GET shows statistics, history and proxies as JSON, or Prometheus text', async () => {
    const url = await serve(purger, { token: TOKEN });
    await call(`${url}?path=/a`, { token: TOKEN });
    const json = await call(url, { method: 'GET', token: TOKEN });
    expect(json.status).toBe(200);
    expect(JSON.parse(json.text)).toMatchObject({
      statistics: { proxies: [{ succeeded: 1 }] },
      history: [{ target: '/a', outcome: 'succeeded' }],
      proxies: [{ kind: 'varnish' }],
    });
    const text = await call(`${url}?format=prometheus`, { method: 'GET', token: TOKEN });
    expect(text.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(text.text).toContain(`cacheset_purge_succeeded_total{proxy="${proxy.url}"} 1`);
  });
});
