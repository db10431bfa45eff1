import type { IncomingMessage } from 'node:http';
import {
  CachePolicy,
  CachesetError,
  loadConfig,
  OperationRegistry,
  RulesetRegistry,
  type PolicyData,
} from '@cacheset/core';
import { describe, expect, it } from 'vitest';
import {
  createHttpCaching,
  ETagComponent,
  HttpErrorCodes,
  registerHttpOperations,
  type HttpCachingOptions,
} from '../src/index.js';
import { makeCaching, pageContainer, policyFor, run } from './fixtures/harness.js';

/** The CachesetError `fn` throws (fails the test if it throws anything else or nothing). */
function errorOf(fn: () => unknown): CachesetError {
  try {
    fn();
  } catch (error) {
    if (CachesetError.is(error)) return error;
    throw new Error(`expected a CachesetError, got ${String(error)}`);
  }
  throw new Error('expected a CachesetError, nothing was thrown');
}

const start =
  (policy: PolicyData, extra: Partial<HttpCachingOptions> = {}) =>
  () =>
    createHttpCaching({ policy, rulesets: new RulesetRegistry(), ...extra });

describe('TTL options', () => {
  it.each<[unknown, string]>([
    [600, 'max-age=600, proxy-revalidate, public'],
    ['600', 'max-age=600, proxy-revalidate, public'],
    ['10m', 'max-age=600, proxy-revalidate, public'],
    ['1h30m', 'max-age=5400, proxy-revalidate, public'],
    ['1d', 'max-age=86400, proxy-revalidate, public'],
    ['2w', 'max-age=1209600, proxy-revalidate, public'],
  ])('accepts %j', async (maxage, cacheControl) => {
    expect((await run(makeCaching({ policy: policyFor('strongCaching', { maxage }) }))).headers['cache-control']).toBe(
      cacheControl,
    );
  });

  it.each<unknown>(['soon', '10 parsecs', -5, 1.5, '', '1d-2h', true, [60], { seconds: 60 }, 2 ** 40])(
    'rejects %j at start-up, naming the operation and option',
    (maxage) => {
      const error = errorOf(start(policyFor('strongCaching', { maxage })));
      expect(error.code).toBe('ERR_CACHESET_INVALID_OPTION');
      expect(error.message).toContain('strongCaching');
      expect(error.message).toContain("'maxage'");
    },
  );

  it('names the ruleset of a per-ruleset option', () => {
    const error = errorOf(
      start({
        operationMapping: { 'site.page': 'moderateCaching' },
        operations: { moderateCaching: { rulesets: { 'site.page': { smaxage: 'soon' } } } },
      }),
    );
    expect(error.code).toBe('ERR_CACHESET_INVALID_OPTION');
    expect(error.message).toContain('operations.moderateCaching.rulesets["site.page"].smaxage');
    expect(error.message).toContain('"soon" is not a duration');
  });

  it('names the file, line and column in a configuration file', () => {
    const text = [
      'policy:',
      '  operationMapping: { site.page: moderateCaching }',
      '  operations:',
      '    moderateCaching:',
      '      options: { smaxage: soon }',
      '',
    ].join('\n');
    const error = errorOf(() =>
      loadConfig(text, 'cacheset.yaml', {
        registry: new RulesetRegistry(),
        operations: registerHttpOperations(new OperationRegistry()),
      }),
    );
    expect(error.code).toBe('ERR_CACHESET_INVALID_OPTION');
    expect(error.message).toMatch(/^cacheset\.yaml:5:\d+: policy\.operations\.moderateCaching\.options\.smaxage: /);
  });
});

describe('policy validation at start-up', () => {
  it('rejects an unknown operation name with a suggestion', () => {
    const error = errorOf(start({ operationMapping: { 'site.page': 'strongCachng' } }));
    expect(error.code).toBe('ERR_CACHESET_UNKNOWN_OPERATION');
    expect(error.message).toContain('"strongCachng"');
    expect(error.message).toContain('strongCaching');
  });

  it('rejects an option the operation does not have (moderateCaching has no maxage)', () => {
    const error = errorOf(start(policyFor('moderateCaching', { maxage: 60 })));
    expect(error.code).toBe('ERR_CACHESET_INVALID_OPTION');
    expect(error.message).toContain("operation 'moderateCaching' has no option 'maxage'");
  });

  it.each<[string, unknown]>([
    ['ramCache', 'yes'],
    ['lastModified', 1],
    ['anonOnly', 'true'],
    ['etags', 'userid'],
    ['etags', ['userid', '']],
    ['vary', 5],
    ['vary', 'Accept, Bad Header'],
    ['vary', ['Accept', 7]],
    ['staleWhileRevalidate', 'a bit'],
    ['immutable', 'no'],
  ])('rejects %s: %j as a misconfigured option type', (option, value) => {
    const error = errorOf(start(policyFor('strongCaching', { [option]: value })));
    expect(error.code).toBe('ERR_CACHESET_INVALID_OPTION');
    expect(error.message).toContain(`'${option}'`);
  });

  it.each<{ publicStatuses: unknown }>(
    [[304], [99], [600], ['301'], [301.5], 301, '301, 308', [null], { 301: true }].map((publicStatuses) => ({
      publicStatuses,
    })),
  )('rejects publicStatuses: $publicStatuses, naming the option and what it takes', ({ publicStatuses }) => {
    const error = errorOf(start(policyFor('strongCaching', { publicStatuses })));
    expect(error.code).toBe('ERR_CACHESET_INVALID_OPTION');
    expect(error.message).toContain("'publicStatuses'");
    expect(error.message).toMatch(/100 to 599/);
  });

  it('accepts publicStatuses as a list of statuses, and null for none', () => {
    expect(start(policyFor('strongCaching', { publicStatuses: [301, 308, 204] }))).not.toThrow();
    expect(start(policyFor('moderateCaching', { publicStatuses: [] }))).not.toThrow();
    expect(start(policyFor('terseCaching', { publicStatuses: null }))).not.toThrow();
  });

  it('accepts vary as "A, B" or as a list', async () => {
    expect(
      (await run(makeCaching({ policy: policyFor('terseCaching', { vary: 'Accept-Language, Accept-Encoding' }) })))
        .headers.vary,
    ).toBe('Accept-Language, Accept-Encoding');
    expect((await run(makeCaching({ policy: policyFor('terseCaching', { vary: ['Cookie'] }) }))).headers.vary).toBe(
      'Cookie',
    );
  });

  it('rejects an unknown ETag component, naming the ruleset, operation and component, with a suggestion', () => {
    const error = errorOf(start(policyFor('weakCaching', { etags: ['userId'] })));
    expect(error.code).toBe(HttpErrorCodes.UNKNOWN_ETAG_COMPONENT);
    expect(error.code).toBe('ERR_CACHESET_UNKNOWN_ETAG_COMPONENT');
    expect(error.message).toContain("Ruleset 'site.page', operation 'weakCaching', option 'etags'");
    expect(error.message).toContain("'userId'");
    expect(error.message).toContain('Did you mean "userid"?');
    expect(error.details).toMatchObject({ ruleset: 'site.page', operation: 'weakCaching', component: 'userId' });
  });

  it('finds unknown ETag components in chain members and in global options', () => {
    const chained = errorOf(
      start({
        operationMapping: { 'site.page': 'chain' },
        operations: {
          chain: { rulesets: { 'site.page': { operations: ['weakCaching'] } } },
          weakCaching: { options: { etags: ['galleryVersion'] } },
        },
      }),
    );
    expect(chained.code).toBe('ERR_CACHESET_UNKNOWN_ETAG_COMPONENT');
    expect(chained.message).toContain("'galleryVersion'");
  });

  it('accepts ETag components bound in the container or given as options', () => {
    const container = pageContainer();
    container.bind(ETagComponent).toConstantValue({ name: 'galleryVersion', value: () => '42' });
    expect(() =>
      createHttpCaching({
        policy: policyFor('weakCaching', { etags: ['galleryVersion', 'skin'] }),
        container,
        etagComponents: [{ name: 'skin', value: () => 'x' }],
      }),
    ).not.toThrow();
  });

  it('validates a policy swapped in later the same way', () => {
    const caching = makeCaching({ policy: policyFor('weakCaching') });
    expect(errorOf(() => caching.setPolicy(policyFor('weakCaching', { etags: ['nope'] }))).code).toBe(
      'ERR_CACHESET_UNKNOWN_ETAG_COMPONENT',
    );
    expect(errorOf(() => caching.setPolicy(policyFor('weakCaching', { ramCache: 'yes' }))).code).toBe(
      'ERR_CACHESET_INVALID_OPTION',
    );
  });

  it('validates a compiled policy too', () => {
    const operations = registerHttpOperations(new OperationRegistry());
    const policy = CachePolicy.compile(policyFor('weakCaching', { etags: ['nope'] }), { operations });
    expect(errorOf(() => createHttpCaching({ policy, operations, rulesets: new RulesetRegistry() })).code).toBe(
      'ERR_CACHESET_UNKNOWN_ETAG_COMPONENT',
    );
  });

  it('rejects undeclared rulesets in explicit mode', () => {
    const rulesets = new RulesetRegistry();
    rulesets.declareType('site.page', 'Page');
    rulesets.setExplicitMode();
    expect(() => createHttpCaching({ policy: policyFor('weakCaching'), rulesets })).not.toThrow();
    expect(
      errorOf(() => createHttpCaching({ policy: { operationMapping: { 'site.pgae': 'weakCaching' } }, rulesets })).code,
    ).toBe('ERR_CACHESET_RULESET_NOT_DECLARED');
  });
});

describe('ETag component definitions', () => {
  it('reject a component named like a built-in or like another one', () => {
    const duplicate = errorOf(
      start(policyFor('weakCaching'), { etagComponents: [{ name: 'userid', value: () => 'x' }] }),
    );
    expect(duplicate.code).toBe('ERR_CACHESET_INVALID_ETAG_COMPONENT');
    expect(duplicate.message).toContain("'userid'");
    expect(
      errorOf(
        start(policyFor('weakCaching'), {
          etagComponents: [
            { name: 'a', value: () => 'x' },
            { name: 'a', value: () => 'y' },
          ],
        }),
      ).code,
    ).toBe('ERR_CACHESET_INVALID_ETAG_COMPONENT');
  });

  it.each<unknown>([null, 'skin', { name: 'skin' }, { name: '', value: () => 'x' }, { name: 7, value: () => 'x' }])(
    'reject the malformed component %j',
    (component) => {
      expect(errorOf(start(policyFor('weakCaching'), { etagComponents: [component as ETagComponent] })).code).toBe(
        'ERR_CACHESET_INVALID_ETAG_COMPONENT',
      );
    },
  );
});

describe('createHttpCaching options', () => {
  const policy = policyFor('weakCaching');

  it.each<[string, Partial<Record<keyof HttpCachingOptions, unknown>>]>([
    ['behindProxy', { behindProxy: 'yes' }],
    ['ramCacheMaxBytes', { ramCacheMaxBytes: 0 }],
    ['ramCacheMaxBytes', { ramCacheMaxBytes: -1 }],
    ['ramCacheMaxBytes', { ramCacheMaxBytes: 1.5 }],
    ['ramCacheMaxBytes', { ramCacheMaxBytes: '1MB' }],
    ['cacheStopRequestVariables', { cacheStopRequestVariables: 'statusmessages' }],
    ['cacheStopRequestVariables', { cacheStopRequestVariables: [''] }],
    ['authenticatedCookies', { authenticatedCookies: [1] }],
    ['user', { user: 'admin' }],
    ['responseCache', { responseCache: {} }],
    ['surrogateKeyHeader', { surrogateKeyHeader: 'Surrogate-Keys' }],
    ['surrogateKeyHeader', { surrogateKeyHeader: { name: 'bad name', separator: ' ', maxLength: 4096 } }],
    ['surrogateKeyHeader', { surrogateKeyHeader: { name: 'X-Tags', separator: ';', maxLength: 4096 } }],
    ['surrogateKeyHeader', { surrogateKeyHeader: { name: 'X-Tags', separator: ' ', maxLength: 10 } }],
    ['resourceVersion', { resourceVersion: 42 }],
    ['cacheStatusName', { cacheStatusName: 'my cache' }],
    ['cacheStatusName', { cacheStatusName: '' }],
    ['now', { now: 'yesterday' }],
    ['etagComponents', { etagComponents: { name: 'skin', value: () => 'x' } }],
    ['lookupRuleset', { lookupRuleset: 'site.page' }],
    ['logger', { logger: {} }],
  ])('reject a bad %s with ERR_CACHESET_INVALID_HTTP_OPTIONS naming it', (name, options) => {
    const error = errorOf(start(policy, options as Partial<HttpCachingOptions>));
    expect(error.code).toBe('ERR_CACHESET_INVALID_HTTP_OPTIONS');
    expect(error.message).toContain(name);
  });

  it('reject something that is not an options object', () => {
    expect(errorOf(() => createHttpCaching(null as unknown as HttpCachingOptions)).code).toBe(
      'ERR_CACHESET_INVALID_HTTP_OPTIONS',
    );
  });

  it('accept the known surrogate-key headers and a custom one', () => {
    for (const surrogateKeyHeader of [
      'xkey',
      'Surrogate-Key',
      'Cache-Tag',
      { name: 'X-Cache-Tags', separator: ',', maxLength: 4096 },
    ] as const) {
      expect(() => start(policy, { surrogateKeyHeader })()).not.toThrow();
    }
  });

  it('accept a Cache-Status name that is a token or a quoted string', () => {
    expect(() => start(policy, { cacheStatusName: 'ExampleCache' })()).not.toThrow();
    expect(() => start(policy, { cacheStatusName: 'edge-1.example.net' })()).not.toThrow();
    expect(() => start(policy, { cacheStatusName: '"my cache"' })()).not.toThrow();
  });
});

describe('the default user resolver', () => {
  const message = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

  it('counts a request with Authorization as authenticated, identified by a digest of the credential', () => {
    const caching = makeCaching({ policy: policyFor('weakCaching') });
    const a = caching.userOf(message({ authorization: 'Basic YWxpY2U6c2VjcmV0' }));
    const b = caching.userOf(message({ authorization: 'Basic Ym9iOnNlY3JldA==' }));
    expect(a?.id).toMatch(/^auth:/);
    expect(a?.id).not.toContain('YWxpY2U6c2VjcmV0');
    expect(a?.id).not.toBe(b?.id);
    expect(caching.userOf(message({}))).toBeUndefined();
  });

  it('counts the configured session cookies only, by exact name', () => {
    const caching = makeCaching({ policy: policyFor('weakCaching'), authenticatedCookies: ['session'] });
    expect(caching.userOf(message({ cookie: 'theme=dark; session=abc' }))?.id).toMatch(/^cookie:/);
    expect(caching.userOf(message({ cookie: 'sessionX=abc; xsession=1' }))).toBeUndefined();
    expect(caching.userOf(message({ cookie: 'theme=dark' }))).toBeUndefined();
    expect(
      makeCaching({ policy: policyFor('weakCaching') }).userOf(message({ cookie: 'session=abc' })),
    ).toBeUndefined();
  });
});
