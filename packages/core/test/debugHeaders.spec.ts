import {
  CachePolicy,
  CachingEngine,
  createExchange,
  memoryRequest,
  memoryResponse,
  OperationRegistry,
  RulesetRegistry,
  type CachingOperation,
  type MemoryResponse,
  type PolicyData,
} from '@cacheset/core';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** An operation that reports which plugin debug headers the policy wants. */
const probe: CachingOperation = {
  name: 'probe',
  title: 'Probe',
  description: '',
  sort: 1,
  options: {},
  modify(ctx) {
    ctx.response.setHeader('X-Probe', `cacheStatus=${ctx.debugHeader('cacheStatus')}`);
  },
};

// The registry comes with chain.
const operations = new OperationRegistry();
operations.register(probe);

const policy = (data: Partial<PolicyData> = {}): CachePolicy =>
  CachePolicy.compile(
    {
      operationMapping: { 'site.page': 'chain' },
      operations: { chain: { options: { operations: ['probe'] } } },
      ...data,
    },
    { operations },
  );

function headersFor(compiled: CachePolicy): Readonly<Record<string, string>> {
  const engine = new CachingEngine({ rulesets: new RulesetRegistry(), operations, policy: compiled });
  const response: MemoryResponse = memoryResponse();
  const exchange = createExchange({ request: memoryRequest(), response, rulesetHint: 'site.page' });
  engine.intercept(exchange);
  engine.modify(exchange);
  return response.headers();
}

const ALL_ON = {
  'x-cache-rule': 'site.page',
  'x-cache-operation': 'chain',
  'x-cache-chain-operations': 'probe',
  'x-probe': 'cacheStatus=true',
};

describe('debug headers by default', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('are on outside production: while developing, testing, or with NODE_ENV unset', () => {
    for (const env of ['development', 'test', '']) {
      vi.stubEnv('NODE_ENV', env);
      expect(headersFor(policy()), env).toEqual(ALL_ON);
    }
  });

  it('are all off with NODE_ENV=production, plugin switches included', () => {
    vi.stubEnv('NODE_ENV', 'production');
    const compiled = policy();
    expect(headersFor(compiled)).toEqual({ 'x-probe': 'cacheStatus=false' });
    expect(compiled.debugHeader('ramCache')).toBe(false);
  });

  it('are turned on in production by naming them in the policy’s debugHeaders', () => {
    vi.stubEnv('NODE_ENV', 'production');
    const some = policy({ debugHeaders: { rule: true, cacheStatus: true } });
    expect(headersFor(some)).toEqual({ 'x-cache-rule': 'site.page', 'x-probe': 'cacheStatus=true' });
    const all = policy({
      debugHeaders: { rule: true, operation: true, chainOperations: true, cacheStatus: true, ramCache: true },
    });
    expect(headersFor(all)).toEqual(ALL_ON);
  });

  it('are still switched off by name outside production', () => {
    vi.stubEnv('NODE_ENV', 'development');
    expect(headersFor(policy({ debugHeaders: { operation: false, cacheStatus: false } }))).toEqual({
      'x-cache-rule': 'site.page',
      'x-cache-chain-operations': 'probe',
      'x-probe': 'cacheStatus=false',
    });
  });

  it('follow NODE_ENV as it was when the policy was compiled, not as it is at each request', () => {
    vi.stubEnv('NODE_ENV', 'production');
    const quiet = policy();
    vi.stubEnv('NODE_ENV', 'development');
    const talkative = policy();
    expect(headersFor(quiet)).toEqual({ 'x-probe': 'cacheStatus=false' });
    vi.stubEnv('NODE_ENV', 'production');
    expect(headersFor(talkative)).toEqual(ALL_ON);
  });
});
