import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createPurger, type Purger, type PurgerOptions } from '@cacheset/purge';
import { Counter, Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, RawProxy, RecordingProxy, recordingLogger } from './support/proxyServers.js';

const fast = { attempts: 3, initialDelayMs: 20, maxDelayMs: 50, jitter: 0 };

describe('delivery to proxies', () => {
  const purgers: Purger[] = [];
  const stops: (() => Promise<void>)[] = [];
  const make = (options: Partial<PurgerOptions> & Pick<PurgerOptions, 'proxies'>): Purger => {
    const purger = createPurger({ bus: false, logger: recordingLogger(), delivery: { retry: fast }, ...options });
    purgers.push(purger);
    return purger;
  };
  const recording = async (): Promise<RecordingProxy> => {
    const proxy = await RecordingProxy.start();
    stops.push(() => proxy.stop());
    return proxy;
  };
  afterEach(async () => {
    for (const purger of purgers.splice(0)) await purger.close({ timeoutMs: 500 });
    for (const stop of stops.splice(0)) await stop();
  });

  it('sends every path to every proxy, each with its own base URL and path prefix (CP-6, SCM-15)', async () => {
    const a = await recording();
    const b = await recording();
    const purger = make({ proxies: [a.url, `127.0.0.1:${b.port}/prefix/`] });
    const report = await purger.purgeNow({ paths: ['foo/bar', '/baz'] });
    expect(report).toMatchObject({ ok: true, requests: 4, succeeded: 4 });
    expect(a.received.map((r) => `${r.method} ${r.url}`).sort()).toEqual(['PURGE /baz', 'PURGE /foo/bar']);
    expect(b.received.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'PURGE /prefix/baz',
      'PURGE /prefix/foo/bar',
    ]);
    expect(report.records.map((r) => r.url)).toContain(`http://127.0.0.1:${b.port}/prefix/foo/bar`);
  });

  it('uses one keep-alive pool per proxy with bounded concurrency', async () => {
    const proxy = await recording();
    proxy.respond = () => ({ status: 200, body: 'Purged', delayMs: 10 });
    const purger = make({ proxies: [{ url: proxy.url, concurrency: 3 }] });
    const paths = Array.from({ length: 60 }, (_, i) => `/p/${i}`);
    const report = await purger.purgeNow({ paths });
    expect(report.succeeded).toBe(60);
    expect(proxy.maxInFlight).toBeLessThanOrEqual(3);
    expect(proxy.maxInFlight).toBeGreaterThan(1);
    expect(proxy.connections).toBeLessThanOrEqual(3);
    await purger.purgeNow({ paths: ['/again'] });
    expect(proxy.connections).toBeLessThanOrEqual(3);
  });

  it('retries 5xx with back-off and counts it; 404 is success; 403 is refused at once (no retry)', async () => {
    const proxy = await recording();
    const seen = new Map<string, number>();
    proxy.respond = (request) => {
      const n = (seen.get(request.url) ?? 0) + 1;
      seen.set(request.url, n);
      if (request.url === '/flaky') return n === 1 ? { status: 503, body: 'Backend fetch failed' } : undefined;
      if (request.url === '/missing') return { status: 404, body: 'Not in cache' };
      if (request.url === '/forbidden') return { status: 403, body: 'Forbidden' };
      return undefined;
    };
    const purger = make({ proxies: [proxy.url] });
    const report = await purger.purgeNow({ paths: ['/flaky', '/missing', '/forbidden'] });
    const byTarget = Object.fromEntries(report.records.map((r) => [r.target, r]));
    expect(byTarget['/flaky']).toMatchObject({ outcome: 'succeeded', attempts: 2, status: 200 });
    expect(byTarget['/missing']).toMatchObject({ outcome: 'succeeded', attempts: 1, status: 404 });
    expect(byTarget['/forbidden']).toMatchObject({
      outcome: 'failed',
      attempts: 1,
      status: 403,
      code: 'ERR_CACHESET_PURGE_REJECTED',
    });
    expect(byTarget['/forbidden']?.detail).toContain('answered 403: Forbidden');
    expect(purger.statistics().proxies[0]).toMatchObject({
      queued: 3,
      sent: 4,
      succeeded: 2,
      retried: 1,
      failed: 1,
      dropped: 0,
    });
  });

  it('retries connection errors, then counts the purge as failed and logs it', async () => {
    const logger = recordingLogger();
    const port = await closedPort();
    const purger = make({ proxies: [`http://127.0.0.1:${port}`], logger });
    const started = Date.now();
    const report = await purger.purgeNow({ paths: ['/a'] });
    expect(report.records[0]).toMatchObject({
      outcome: 'failed',
      attempts: 3,
      code: 'ERR_CACHESET_PURGE_DELIVERY_FAILED',
    });
    expect(report.records[0]?.detail).toMatch(/ECONNREFUSED/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 + 40);
    expect(purger.statistics().proxies[0]).toMatchObject({ sent: 3, retried: 2, failed: 1 });
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes('failed after 3 attempts'))).toBe(true);
  });

  it('a proxy that answers garbage: a protocol error, retried, then failed; the other proxy is purged', async () => {
    const garbage = await RawProxy.start({ reply: 'HELLO, I AM NOT HTTP\r\n\r\n' });
    stops.push(() => garbage.stop());
    const healthy = await recording();
    const purger = make({ proxies: [garbage.url, healthy.url] });
    const report = await purger.purgeNow({ paths: ['/a'] });
    const [bad, good] = [
      report.records.find((r) => r.proxy === garbage.url),
      report.records.find((r) => r.proxy === healthy.url),
    ];
    expect(bad).toMatchObject({
      outcome: 'failed',
      attempts: 3,
      code: 'ERR_CACHESET_PURGE_DELIVERY_FAILED',
      status: undefined,
    });
    expect(bad?.detail).toMatch(/does not match the HTTP\/1\.1 protocol|HPE_/);
    expect(good).toMatchObject({ outcome: 'succeeded' });
    expect(garbage.connections).toBe(3);
  });

  it('a proxy that hangs: each attempt times out after timeoutMs, then the purge fails; nothing waits forever', async () => {
    const hang = await RawProxy.start('hang');
    stops.push(() => hang.stop());
    const purger = make({
      proxies: [{ url: hang.url, timeoutMs: 150, retry: { attempts: 2, initialDelayMs: 10, jitter: 0 } }],
    });
    const started = Date.now();
    const report = await purger.purgeNow({ paths: ['/a'] });
    const took = Date.now() - started;
    expect(report.records[0]).toMatchObject({
      outcome: 'failed',
      attempts: 2,
      code: 'ERR_CACHESET_PURGE_DELIVERY_FAILED',
    });
    expect(report.records[0]?.detail).toMatch(/timeout/i);
    expect(took).toBeGreaterThanOrEqual(2 * 150);
    expect(took).toBeLessThan(3_000);
  });

  it('a full queue drops what does not fit: counted, recorded and logged, never silent', async () => {
    const logger = recordingLogger();
    const proxy = await recording();
    proxy.respond = () => ({ status: 200, body: 'Purged', delayMs: 50 });
    const purger = make({ proxies: [{ url: proxy.url, maxQueue: 2, concurrency: 1 }], logger });
    const report = await purger.purgeNow({ paths: ['/1', '/2', '/3', '/4', '/5'] });
    expect(report).toMatchObject({ ok: false, succeeded: 2, dropped: 3 });
    expect(
      report.records.filter((r) => r.outcome === 'dropped').every((r) => r.code === 'ERR_CACHESET_PURGE_QUEUE_FULL'),
    ).toBe(true);
    expect(purger.statistics().proxies[0]).toMatchObject({ queued: 2, dropped: 3 });
    expect(proxy.received).toHaveLength(2);
    // The first drop is logged at once, the others in one summary line (no flood).
    const dropLines = logger.lines.filter((l) => l.message.includes('dropped'));
    expect(dropLines.length).toBeGreaterThanOrEqual(1);
    expect(dropLines.length).toBeLessThanOrEqual(2);
    await purger.close();
    expect(logger.lines.some((l) => l.message.includes('2 more like this'))).toBe(true);
  });

  it('a request identical to one still waiting is merged into it (coalesced), not queued twice', async () => {
    const proxy = await recording();
    proxy.respond = (request) => (request.url === '/slow' ? { status: 200, body: 'Purged', delayMs: 100 } : undefined);
    const purger = make({ proxies: [{ url: proxy.url, concurrency: 1 }] });
    const first = purger.purgeNow({ paths: ['/slow', '/x'] });
    const second = purger.purgeNow({ paths: ['/x'] });
    await Promise.all([first, second]);
    expect(proxy.received.map((r) => r.url)).toEqual(['/slow', '/x']);
    expect(purger.statistics().proxies[0]).toMatchObject({ queued: 2, coalesced: 1 });
  });

  it('splits an enormous tag list across requests under maxHeaderBytes, and fails a tag that cannot fit', async () => {
    const proxy = await recording();
    const purger = make({ proxies: [{ url: proxy.url, maxHeaderBytes: 1_000 }] });
    const tags = Array.from({ length: 2_000 }, (_, i) => `image-${i}`);
    const report = await purger.purgeNow({ tags: [...tags, `x${'y'.repeat(1_000)}`] });
    const headers = proxy.received.map((r) => r.headers['xkey-purge'] ?? '');
    expect(headers.length).toBeGreaterThan(15);
    for (const h of headers) expect(h.length).toBeLessThanOrEqual(1_000);
    expect(headers.flatMap((h) => h.split(' ')).sort()).toEqual([...tags].sort());
    expect(proxy.received.every((r) => r.method === 'PURGEKEYS' && r.url === '/')).toBe(true);
    expect(report.records.filter((r) => r.outcome === 'failed').map((r) => r.code)).toEqual([
      'ERR_CACHESET_PURGE_INVALID_TAG',
    ]);
  });

  it('nginx: the proxy_cache_purge request forms; tags and BANs are counted as unsupported', async () => {
    const proxy = await recording();
    const logger = recordingLogger();
    const purger = make({
      proxies: [
        { url: `${proxy.url}/purge`, kind: 'nginx', purgeMethod: 'GET', name: 'nginx-location' },
        { url: proxy.url, kind: 'nginx', name: 'nginx-method' },
      ],
      domains: ['https://www.example.com'],
      logger,
    });
    const report = await purger.purgeNow({ paths: ['/images/cat'], tags: ['image-1'], bans: ['^/images'] });
    expect(proxy.received.map((r) => `${r.method} ${r.url} ${r.host}`).sort()).toEqual([
      'GET /purge/images/cat www.example.com',
      'PURGE /images/cat www.example.com',
    ]);
    expect(report).toMatchObject({ succeeded: 2, unsupported: 4 });
    expect(purger.statistics().proxies.map((p) => p.unsupported)).toEqual([2, 2]);
    expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('not supported'))).toBe(true);
  });

  it('generic proxies: tags in the configured header with the configured separator', async () => {
    const proxy = await recording();
    const purger = make({
      proxies: [
        { url: proxy.url, kind: 'generic', tagHeader: 'Cache-Tag', tagSeparator: ',', headers: { 'X-Api-Key': 'k' } },
      ],
    });
    await purger.purgeNow({ tags: ['a', 'b'] });
    expect(proxy.received).toEqual([
      expect.objectContaining({
        method: 'PURGE',
        url: '/',
        headers: expect.objectContaining({ 'cache-tag': 'a,b', 'x-api-key': 'k' }) as unknown,
      }),
    ]);
  });

  it('Varnish: BAN with X-Ban-Url per public host, soft purges with the soft headers', async () => {
    const proxy = await recording();
    const purger = make({ proxies: [{ url: proxy.url, softPurge: true }], domains: ['a.example', 'b.example'] });
    await purger.purgeNow({ paths: ['/p'], tags: ['t'], bans: ['^/p'] });
    const lines = proxy.received.map(
      (r) =>
        `${r.method} ${r.url} ${r.host} ${r.headers['x-ban-url'] ?? ''}${r.headers['xkey-softpurge'] ?? ''}${r.headers['x-cacheset-soft-purge'] ?? ''}`,
    );
    expect(lines.sort()).toEqual(
      [
        `BAN / a.example ^/p`,
        `BAN / b.example ^/p`,
        `PURGE /p a.example 1`,
        `PURGE /p b.example 1`,
        `PURGEKEYS / 127.0.0.1:${proxy.port} t`,
      ].sort(),
    );
  });

  it('close(): flushes what it can, abandons what is left at the deadline and reports it', async () => {
    const logger = recordingLogger();
    const hang = await RawProxy.start('hang');
    stops.push(() => hang.stop());
    const healthy = await recording();
    const purger = createPurger({ proxies: [{ url: hang.url, timeoutMs: 60_000 }, healthy.url], bus: false, logger });
    const delivery = purger.purgeNow({ paths: ['/a', '/b'] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = await purger.close({ timeoutMs: 200 });
    expect(closed.clean).toBe(false);
    expect(closed.abandoned.map((r) => [r.proxy, r.target, r.outcome, r.code]).sort()).toEqual([
      [hang.url, '/a', 'dropped', 'ERR_CACHESET_PURGE_ABANDONED'],
      [hang.url, '/b', 'dropped', 'ERR_CACHESET_PURGE_ABANDONED'],
    ]);
    const report = await delivery;
    expect(report).toMatchObject({ succeeded: 2, dropped: 2 });
    expect(purger.statistics().proxies.map((p) => [p.dropped, p.pending])).toEqual([
      [2, 0],
      [0, 0],
    ]);
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes('2 purge request(s) undelivered'))).toBe(
      true,
    );
    expect(await purger.close()).toBe(closed);
  });

  it('close() against healthy proxies is clean', async () => {
    const proxy = await recording();
    const purger = createPurger({ proxies: [proxy.url], bus: false, logger: recordingLogger() });
    purger.purgePaths(['/a']);
    const closed = await purger.close();
    expect(closed).toEqual({ clean: true, abandoned: [] });
    expect(proxy.received.map((r) => r.url)).toEqual(['/a']);
  });

  it('history keeps the last N purges, newest first, and statistics become Prometheus text', async () => {
    const proxy = await recording();
    const purger = make({ proxies: [{ url: proxy.url, name: 'edge "1"' }], historySize: 3 });
    for (const path of ['/1', '/2', '/3', '/4']) await purger.purgeNow({ paths: [path] });
    expect(purger.history().map((r) => r.target)).toEqual(['/4', '/3', '/2']);
    expect(purger.history()[0]).toMatchObject({
      proxy: 'edge "1"',
      method: 'PURGE',
      url: `${proxy.url}/4`,
      outcome: 'succeeded',
      status: 200,
      attempts: 1,
      detail: 'Purged',
    });
    const text = await purger.metrics();
    expect(text).toContain('# TYPE cacheset_purge_succeeded_total counter');
    expect(text).toContain('cacheset_purge_succeeded_total{proxy="edge \\"1\\""} 4');
    expect(text).toContain('cacheset_purge_pending{proxy="edge \\"1\\""} 0');
    expect(text).toContain('cacheset_purge_recent{proxy="edge \\"1\\"",outcome="succeeded"} 3');
    // Seconds with millisecond precision, as prom-client prints a number (trailing zeros dropped).
    expect(text).toMatch(/cacheset_purge_last_success_timestamp_seconds\{proxy="edge \\"1\\""\} \d+(\.\d{1,3})?\n/);
    // Every sample line parses as `name{labels} value`.
    for (const line of text
      .trim()
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#')))
      expect(line).toMatch(/^[a-z_]+(\{.*\})? -?\d+(\.\d+)?$/);
  });

  it("joins the application's prom-client registry, with the totals of each scrape, until close()", async () => {
    const proxy = await recording();
    const registry = new Registry();
    new Counter({ name: 'app_requests_total', help: 'The application’s own.', registers: [registry] }).inc();
    const purger = make({ proxies: [{ url: proxy.url, name: 'edge' }] });
    purger.registerMetrics(registry);
    await purger.purgeNow({ paths: ['/1'] });
    expect(await registry.metrics()).toContain('cacheset_purge_succeeded_total{proxy="edge"} 1');
    await purger.purgeNow({ paths: ['/2', '/3'] });
    const text = await registry.metrics();
    expect(text).toContain('cacheset_purge_succeeded_total{proxy="edge"} 3');
    expect(text).toContain('app_requests_total 1');
    // A second purger's series would carry the same labels.
    expect(() => make({ proxies: [proxy.url] }).registerMetrics(registry)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_PURGE_INVALID_OPTIONS' }) as Error,
    );
    await purger.close();
    expect(await registry.metrics()).not.toContain('cacheset_purge');
  });
});

describe('https proxies', () => {
  let dir: string;
  let key: string;
  let cert: string;
  let proxy: RecordingProxy;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cacheset-purge-tls-'));
    await promisify(execFile)(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { timeout: 20_000 },
    );
    key = await readFile(join(dir, 'key.pem'), 'utf8');
    cert = await readFile(join(dir, 'cert.pem'), 'utf8');
    proxy = await RecordingProxy.start({ https: { key, cert } });
  });
  afterAll(async () => {
    await proxy?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('purges over TLS when the proxy certificate is trusted (ca)', async () => {
    const purger = createPurger({
      proxies: [{ url: `https://127.0.0.1:${proxy.port}`, tls: { ca: cert } }],
      bus: false,
      logger: recordingLogger(),
    });
    try {
      const report = await purger.purgeNow({ paths: ['/secure'] });
      expect(report.records[0]).toMatchObject({ outcome: 'succeeded', url: `https://127.0.0.1:${proxy.port}/secure` });
      expect(proxy.received.at(-1)).toMatchObject({ method: 'PURGE', url: '/secure' });
    } finally {
      await purger.close();
    }
  });

  it('an untrusted certificate fails at once (no retries: they cannot fix it) and says why', async () => {
    const before = proxy.received.length;
    const purger = createPurger({
      proxies: [`https://127.0.0.1:${proxy.port}`],
      bus: false,
      logger: recordingLogger(),
    });
    try {
      const report = await purger.purgeNow({ paths: ['/secure'] });
      expect(report.records[0]).toMatchObject({
        outcome: 'failed',
        attempts: 1,
        code: 'ERR_CACHESET_PURGE_DELIVERY_FAILED',
      });
      expect(report.records[0]?.detail).toMatch(/SELF_SIGNED|self.signed/i);
      expect(proxy.received.length).toBe(before);
    } finally {
      await purger.close();
    }
  });
});
