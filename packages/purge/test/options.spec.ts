import { EventBus } from '@cacheset/core';
import { createPurger, type PurgerOptions } from '@cacheset/purge';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';

const base = { container: new Container(), bus: new EventBus() };

function startUpError(options: unknown): { code: string; message: string } {
  try {
    const purger = createPurger(options as PurgerOptions);
    void purger.close();
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error('expected a start-up error');
}

describe('createPurger: every bad configuration is a typed error at start-up', () => {
  it.each<[string, unknown, string, string]>([
    ['no options', undefined, 'ERR_CACHESET_PURGE_INVALID_OPTIONS', 'expected options'],
    ['proxies missing', { ...base }, 'ERR_CACHESET_PURGE_INVALID_OPTIONS', 'proxies must be a list'],
    [
      'an unknown option',
      { ...base, proxies: [], retries: 3 },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      "unknown option 'retries'",
    ],
    [
      'an unknown proxy option',
      { ...base, proxies: [{ url: 'http://a', timeout: 5 }] },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      "unknown option 'timeout'",
    ],
    ['a proxy that is not a URL', { ...base, proxies: [42] }, 'ERR_CACHESET_PURGE_INVALID_OPTIONS', 'must be a URL'],
    ['an ftp proxy', { ...base, proxies: ['ftp://a'] }, 'ERR_CACHESET_PURGE_INVALID_PROXY_URL', 'ftp:'],
    [
      'credentials in the URL',
      { ...base, proxies: ['http://u:p@a'] },
      'ERR_CACHESET_PURGE_INVALID_PROXY_URL',
      'credentials',
    ],
    [
      'the same proxy twice',
      { ...base, proxies: ['http://a:1', 'a:1'] },
      'ERR_CACHESET_PURGE_DUPLICATE_PROXY',
      'listed twice',
    ],
    [
      'two proxies with one name',
      {
        ...base,
        proxies: [
          { url: 'http://a', name: 'x' },
          { url: 'http://b', name: 'x' },
        ],
      },
      'ERR_CACHESET_PURGE_DUPLICATE_PROXY',
      'named "x"',
    ],
    [
      'an unknown kind',
      { ...base, proxies: [{ url: 'http://a', kind: 'squid' }] },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'kind must be one of',
    ],
    [
      'soft purge on nginx',
      { ...base, proxies: [{ url: 'http://a', kind: 'nginx', softPurge: true }] },
      'ERR_CACHESET_PURGE_UNSUPPORTED',
      'softPurge needs a Varnish',
    ],
    [
      'tags on nginx',
      { ...base, proxies: [{ url: 'http://a', kind: 'nginx', tagHeader: 'Cache-Tag' }] },
      'ERR_CACHESET_PURGE_UNSUPPORTED',
      'no tags',
    ],
    [
      'a tag header on Varnish',
      { ...base, proxies: [{ url: 'http://a', tagHeader: 'X-Tags' }] },
      'ERR_CACHESET_PURGE_UNSUPPORTED',
      'xkey-purge',
    ],
    [
      'nginx with a method it does not know',
      { ...base, proxies: [{ url: 'http://a', kind: 'nginx', purgeMethod: 'DELETE' }] },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'PURGE',
    ],
    [
      'GET purges without a purge location',
      { ...base, proxies: [{ url: 'http://a', kind: 'nginx', purgeMethod: 'GET' }] },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'purge location',
    ],
    [
      'a method with a space',
      { ...base, proxies: [{ url: 'http://a', purgeMethod: 'PUR GE' }] },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'HTTP method',
    ],
    [
      'a header value with a line break',
      { ...base, proxies: [{ url: 'http://a', headers: { 'x-token': 'a\r\nb' } }] },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'line breaks',
    ],
    [
      'a Host among extra headers',
      { ...base, proxies: [{ url: 'http://a', headers: { Host: 'x' } }] },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      "'domains'",
    ],
    [
      'tls on an http URL',
      { ...base, proxies: [{ url: 'http://a', tls: { rejectUnauthorized: false } }] },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'not an https URL',
    ],
    [
      'zero concurrency',
      { ...base, proxies: [], delivery: { concurrency: 0 } },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'concurrency must be an integer',
    ],
    [
      'a negative timeout',
      { ...base, proxies: [{ url: 'http://a', timeoutMs: -1 }] },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'timeoutMs',
    ],
    [
      'a header limit too small',
      { ...base, proxies: [{ url: 'http://a', maxHeaderBytes: 10 }] },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'maxHeaderBytes',
    ],
    [
      'jitter above 1',
      { ...base, proxies: [], delivery: { retry: { jitter: 2 } } },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'jitter',
    ],
    [
      'a cap below the first delay',
      { ...base, proxies: [], delivery: { retry: { initialDelayMs: 500, maxDelayMs: 100 } } },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'shorter than initialDelayMs',
    ],
    [
      'a domain with a path',
      { ...base, proxies: [], domains: ['https://example.com/site'] },
      'ERR_CACHESET_PURGE_INVALID_DOMAIN',
      'path',
    ],
    [
      'vhm without domains',
      { ...base, proxies: [], virtualHosting: { mode: 'vhm', root: '/plone' } },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'never takes them from the current request',
    ],
    [
      'vhm without a root',
      { ...base, proxies: [], domains: ['http://a'], virtualHosting: { mode: 'vhm' } },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'root',
    ],
    [
      'an unknown hosting mode',
      { ...base, proxies: [], virtualHosting: 'request-host' },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      "'public-host'",
    ],
    [
      'no container while listening to a bus',
      { proxies: [], bus: new EventBus() },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'container',
    ],
    [
      'enabled as a string',
      { ...base, proxies: [], enabled: 'yes' },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'enabled must be true or false',
    ],
    [
      'a logger without error()',
      { ...base, proxies: [], logger: { warn: () => {} } },
      'ERR_CACHESET_PURGE_INVALID_OPTIONS',
      'logger',
    ],
  ])('%s', (_title, options, code, fragment) => {
    const error = startUpError(options);
    expect(error.code).toBe(code);
    expect(error.message).toContain(fragment);
  });

  it('accepts the documented forms and describes each proxy', async () => {
    const purger = createPurger({
      ...base,
      proxies: [
        'http://127.0.0.1:6081',
        {
          url: 'https://cdn.example.com',
          kind: 'generic',
          tagHeader: 'Surrogate-Key',
          name: 'cdn',
          tls: { rejectUnauthorized: true },
        },
        { url: 'nginx:8080/purge', kind: 'nginx', purgeMethod: 'GET' },
      ],
      domains: ['https://www.example.com'],
    });
    expect(purger.proxies).toEqual([
      {
        name: 'http://127.0.0.1:6081',
        url: 'http://127.0.0.1:6081',
        kind: 'varnish',
        softPurge: false,
        tags: true,
        ban: true,
      },
      { name: 'cdn', url: 'https://cdn.example.com', kind: 'generic', softPurge: false, tags: true, ban: false },
      {
        name: 'http://nginx:8080/purge',
        url: 'http://nginx:8080/purge',
        kind: 'nginx',
        softPurge: false,
        tags: false,
        ban: false,
      },
    ]);
    expect(purger.enabled).toBe(true);
    await purger.close();
  });
});
