import {
  booleanOption,
  CachePolicy,
  CachesetError,
  CachingEngine,
  createExchange,
  durationOption,
  memoryRequest,
  memoryResponse,
  MODIFY_AFTER_INTERCEPT,
  OperationRegistry,
  RulesetRegistry,
  stringListOption,
  stringOption,
  type CacheExchange,
  type CachesetLogger,
  type CachingOperation,
  type MemoryResponse,
  type PolicyData,
} from '@cacheset/core';
import { beforeEach, describe, expect, it } from 'vitest';

class View {}
class OtherView {}

interface Calls {
  intercept: string[];
  modify: string[];
  options: Record<string, unknown>[];
}

/** Test operations in the style of plone.caching's tests: they record calls and set a header. */
function testOperations(calls: Calls): OperationRegistry {
  const registry = new OperationRegistry();
  const make = (
    name: string,
    answer?: (ruleset: string) => { status: number; body: string } | undefined,
  ): CachingOperation<{ maxage: number; etags: readonly string[]; flag: boolean; note: string }> => ({
    name,
    title: name,
    description: '',
    sort: 1,
    options: {
      maxage: durationOption(86_400),
      etags: stringListOption(null),
      flag: booleanOption(false),
      note: stringOption(null),
    },
    intercept(ctx) {
      calls.intercept.push(name);
      ctx.response.setHeader(`X-Intercept-${name}`, ctx.ruleset);
      const result = answer?.(ctx.ruleset);
      if (result === undefined) return undefined;
      ctx.response.status = result.status;
      return { body: result.body };
    },
    modify(ctx) {
      calls.modify.push(name);
      calls.options.push({ ...ctx.options });
      ctx.response.setHeader(`X-Mutated-${name}`, ctx.ruleset);
    },
  });
  registry.register(make('op1'));
  registry.register(make('op2', () => ({ status: 304, body: '' })));
  registry.register(make('op3'));
  registry.register({
    name: 'broken',
    title: 'Broken',
    description: '',
    sort: 9,
    options: {},
    intercept() {
      throw new Error('intercept bug');
    },
    modify() {
      throw new Error('modify bug');
    },
  });
  return registry;
}

describe('CachingEngine (plone.caching hook semantics)', () => {
  let calls: Calls;
  let operations: OperationRegistry;
  let rulesets: RulesetRegistry;
  let errors: string[];
  let logger: CachesetLogger;

  beforeEach(() => {
    calls = { intercept: [], modify: [], options: [] };
    operations = testOperations(calls);
    rulesets = new RulesetRegistry();
    rulesets.register(View, 'testrule');
    errors = [];
    logger = { warn: () => {}, error: (m) => void errors.push(m) };
  });

  const engineWith = (data: PolicyData): CachingEngine =>
    new CachingEngine({ rulesets, operations, policy: CachePolicy.compile(data, { operations }), logger });
  const exchangeFor = (published: unknown = new View(), method = 'GET'): CacheExchange & { response: MemoryResponse } =>
    createExchange({ request: memoryRequest({ method }), response: memoryResponse(), published }) as CacheExchange & {
      response: MemoryResponse;
    };
  const run = async (
    engine: CachingEngine,
    exchange = exchangeFor(),
  ): Promise<{
    headers: Record<string, string>;
    outcome: unknown;
    exchange: CacheExchange & { response: MemoryResponse };
  }> => {
    const outcome = await engine.intercept(exchange);
    if (outcome === undefined) await engine.modify(exchange);
    return { headers: { ...exchange.response.headers() }, outcome, exchange };
  };

  it('PC-1: with enabled=false nothing happens: no headers, no operation calls', async () => {
    const { headers, outcome } = await run(engineWith({ enabled: false, operationMapping: { testrule: 'op1' } }));
    expect(headers).toEqual({});
    expect(outcome).toBeUndefined();
    expect(calls.intercept).toEqual([]);
    expect(calls.modify).toEqual([]);
  });

  it('PC-2: without an operation mapping there are no headers at all, not even X-Cache-Rule', async () => {
    const { headers } = await run(engineWith({ enabled: true }));
    expect(headers).toEqual({});
  });

  it('PC-3: no published object (and no hint) → no headers', async () => {
    const bare = createExchange({ request: memoryRequest(), response: memoryResponse() }) as CacheExchange & {
      response: MemoryResponse;
    };
    const { headers } = await run(engineWith({ operationMapping: { testrule: 'op1' } }), bare);
    expect(headers).toEqual({});
  });

  it('PC-4: a rule that is not in the mapping gives only X-Cache-Rule', async () => {
    const { headers } = await run(engineWith({ operationMapping: { otherrule: 'op1' } }));
    expect(headers).toEqual({ 'x-cache-rule': 'testrule' });
  });

  it('PC-5: a mapping to an unknown operation is a start-up error (issue #3 overrules); if the operation disappears later, only X-Cache-Rule', async () => {
    expect(() => engineWith({ operationMapping: { testrule: 'op9' } })).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_UNKNOWN_OPERATION' }),
    );
    const engine = engineWith({ operationMapping: { testrule: 'op3' } });
    operations.unregister('op3');
    const { headers } = await run(engine);
    expect(headers).toEqual({ 'x-cache-rule': 'testrule' });
  });

  it('PC-6: modify sets X-Cache-Rule, X-Cache-Operation and the operation headers', async () => {
    const { headers } = await run(engineWith({ operationMapping: { testrule: 'op1' } }));
    expect(headers).toEqual({
      'x-cache-rule': 'testrule',
      'x-cache-operation': 'op1',
      'x-intercept-op1': 'testrule',
      'x-mutated-op1': 'testrule',
    });
  });

  it('PC-7 analogue: a published class is looked up as "its instances"; a hint from the route wins', async () => {
    const engine = engineWith({ operationMapping: { testrule: 'op1', hinted: 'op3' } });
    expect((await run(engine, exchangeFor(View))).headers['x-cache-rule']).toBe('testrule');
    const hinted = createExchange({
      request: memoryRequest(),
      response: memoryResponse(),
      published: new OtherView(),
      rulesetHint: 'hinted',
    });
    await engine.intercept(hinted);
    await engine.modify(hinted);
    expect((hinted.response as MemoryResponse).headers()['x-cache-operation']).toBe('op3');
  });

  it('PC-8: an intercept returning undefined leaves X-Cache-Rule and its headers, no X-Cache-Operation, and rendering continues', async () => {
    const engine = engineWith({ operationMapping: { testrule: 'op1' } });
    const exchange = exchangeFor();
    expect(await engine.intercept(exchange)).toBeUndefined();
    expect(exchange.response.headers()).toEqual({ 'x-cache-rule': 'testrule', 'x-intercept-op1': 'testrule' });
  });

  it('PC-9: an intercept returning a body answers with the status it set; X-Cache-Operation is set; modify is skipped', async () => {
    const engine = engineWith({ operationMapping: { testrule: 'op2' } });
    const exchange = exchangeFor();
    const outcome = await engine.intercept(exchange);
    expect(outcome).toEqual({ status: 304, body: '', operationName: 'op2' });
    expect(exchange.response.headers()).toEqual({
      'x-cache-rule': 'testrule',
      'x-cache-operation': 'op2',
      'x-intercept-op2': 'testrule',
    });
    await engine.modify(exchange);
    expect(calls.modify).toEqual([]);
  });

  it('PC-9: an operation can keep modify running after it answered', async () => {
    operations.register({
      name: 'keeper',
      title: 'Keeper',
      description: '',
      sort: 1,
      options: {},
      intercept(ctx) {
        ctx.exchange.annotations.set(MODIFY_AFTER_INTERCEPT, true);
        return { body: 'cached' };
      },
      modify(ctx) {
        ctx.response.setHeader('X-Kept', '1');
      },
    });
    const engine = engineWith({ operationMapping: { testrule: 'keeper' } });
    const exchange = exchangeFor();
    expect(await engine.intercept(exchange)).toMatchObject({ body: 'cached', status: 200 });
    await engine.modify(exchange);
    expect(exchange.response.headers()['x-kept']).toBe('1');
  });

  it('PC-10: errors in an operation or in the lookup are logged once per message and swallowed', async () => {
    const engine = engineWith({ operationMapping: { testrule: 'broken' } });
    for (let i = 0; i < 3; i += 1) {
      const { headers, outcome } = await run(engine);
      expect(outcome).toBeUndefined();
      expect(headers).toEqual({ 'x-cache-rule': 'testrule', 'x-cache-operation': 'broken' });
    }
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("operation 'broken' failed to intercept");
    expect(errors[1]).toContain("operation 'broken' failed to modify");
    const lookupFails = new CachingEngine({
      rulesets,
      operations,
      policy: CachePolicy.compile({ operationMapping: { testrule: 'op1' } }, { operations }),
      logger,
      lookupRuleset: () => {
        throw new CachesetError('ERR_CACHESET_TEST', 'lookup bug');
      },
    });
    expect((await run(lookupFails)).headers).toEqual({});
    expect(errors.at(-1)).toContain('the ruleset lookup failed');
  });

  it('PC-10: an undeclared @cacheRuleset name in explicit mode is logged, not thrown at the request', async () => {
    rulesets.setExplicitMode();
    const engine = engineWith({ operationMapping: { testrule: 'op1' } });
    const { headers } = await run(
      engine,
      createExchange({
        request: memoryRequest(),
        response: memoryResponse(),
        published: undefined,
        rulesetHint: 'not.declared',
      }) as never,
    );
    expect(headers).toEqual({});
    expect(errors.at(-1)).toContain("'not.declared' set by the route is not declared");
  });

  it('a modify() that returns a promise is reported: headers are set synchronously', async () => {
    operations.register({
      name: 'asyncModify',
      title: 'x',
      description: '',
      sort: 1,
      options: {},
      modify: (async () => {}) as never,
    });
    const engine = engineWith({ operationMapping: { testrule: 'asyncModify' } });
    await run(engine);
    expect(errors.at(-1)).toContain('returned a promise from modify(); modify must be synchronous');
  });

  it('finds the rule again when the route names its ruleset after intercept (a late hint)', async () => {
    const engine = engineWith({ operationMapping: { late: 'op3' } });
    let hint: string | undefined;
    const exchange = {
      ...createExchange({ request: memoryRequest(), response: memoryResponse(), published: new OtherView() }),
      get rulesetHint() {
        return hint;
      },
    };
    expect(await engine.intercept(exchange)).toBeUndefined();
    expect((exchange.response as MemoryResponse).headers()).toEqual({});
    hint = 'late';
    engine.modify(exchange);
    expect((exchange.response as MemoryResponse).headers()).toMatchObject({
      'x-cache-rule': 'late',
      'x-cache-operation': 'op3',
    });
  });

  it('PC-11: a streamed response gets its headers once', async () => {
    const engine = engineWith({ operationMapping: { testrule: 'op1' } });
    const exchange = exchangeFor();
    await engine.intercept(exchange);
    await engine.modify(exchange);
    expect(engine.isModified(exchange)).toBe(true);
    await engine.modify(exchange);
    expect(calls.modify).toEqual(['op1']);
  });

  it('the debug headers can be switched off one by one', async () => {
    const engine = engineWith({ operationMapping: { testrule: 'op1' }, debugHeaders: { rule: false } });
    expect((await run(engine)).headers).toEqual({
      'x-cache-operation': 'op1',
      'x-intercept-op1': 'testrule',
      'x-mutated-op1': 'testrule',
    });
    const quiet = engineWith({
      operationMapping: { testrule: 'op1' },
      debugHeaders: { rule: false, operation: false },
    });
    expect((await run(quiet)).headers).toEqual({ 'x-intercept-op1': 'testrule', 'x-mutated-op1': 'testrule' });
  });

  it('setPolicy swaps the policy for later requests', async () => {
    const engine = engineWith({ operationMapping: { testrule: 'op1' } });
    engine.setPolicy(CachePolicy.compile({ enabled: false }, { operations }));
    expect((await run(engine)).headers).toEqual({});
  });

  describe('chain', () => {
    it('PC-14: the first intercept that answers wins; X-Cache-Chain-Operations lists the operations up to it', async () => {
      const engine = engineWith({
        operationMapping: { testrule: 'chain' },
        operations: { chain: { options: { operations: ['op1', 'op2', 'op3'] } } },
      });
      const { headers, outcome } = await run(engine);
      expect(outcome).toMatchObject({ status: 304, operationName: 'chain' });
      expect(calls.intercept).toEqual(['op1', 'op2']);
      expect(headers['x-cache-chain-operations']).toBe('op1; op2');
      expect(headers['x-cache-operation']).toBe('chain');
    });

    it('PC-15: modify runs all of them and lists them', async () => {
      const engine = engineWith({
        operationMapping: { testrule: 'chain' },
        operations: { chain: { options: { operations: ['op1', 'op3'] } } },
      });
      const { headers, outcome } = await run(engine);
      expect(outcome).toBeUndefined();
      expect(calls.modify).toEqual(['op1', 'op3']);
      expect(headers['x-cache-chain-operations']).toBe('op1; op3');
    });

    it('PC-16: unknown names are a start-up error; an operation gone at request time is skipped', async () => {
      expect(() =>
        engineWith({
          operationMapping: { testrule: 'chain' },
          operations: { chain: { options: { operations: ['op9', 'op1'] } } },
        }),
      ).toThrowError(
        expect.objectContaining({
          code: 'ERR_CACHESET_INVALID_OPTION',
          message: expect.stringContaining('names unknown operations: op9'),
        }),
      );
      const engine = engineWith({
        operationMapping: { testrule: 'chain' },
        operations: { chain: { options: { operations: ['op1', 'op3'] } } },
      });
      operations.unregister('op1');
      const { headers } = await run(engine);
      expect(headers['x-cache-chain-operations']).toBe('op3');
    });

    it('PC-17: no or empty operations → no calls and no header', async () => {
      for (const options of [{}, { operations: [] }, { operations: null }]) {
        const engine = engineWith({ operationMapping: { testrule: 'chain' }, operations: { chain: { options } } });
        const { headers, outcome } = await run(engine);
        expect(outcome).toBeUndefined();
        expect(headers['x-cache-chain-operations']).toBeUndefined();
      }
      expect(calls.intercept).toEqual([]);
    });

    it('a chain cannot contain itself', () => {
      expect(() =>
        engineWith({
          operationMapping: { testrule: 'chain' },
          operations: { chain: { options: { operations: ['chain'] } } },
        }),
      ).toThrowError(/cannot contain 'chain' itself/);
    });

    it('members get their own options for the same ruleset', async () => {
      const engine = engineWith({
        operationMapping: { testrule: 'chain' },
        operations: {
          chain: { options: { operations: ['op1', 'op3'] } },
          op3: { rulesets: { testrule: { maxage: '1m' } } },
        },
      });
      await run(engine);
      expect(calls.options.map((o) => o.maxage)).toEqual([86_400, 60]);
    });
  });
});

describe('CachePolicy option resolution', () => {
  const calls: Calls = { intercept: [], modify: [], options: [] };
  const operations = testOperations(calls);
  const op1 = operations.require('op1');

  it('PC-12: per-ruleset value, then the global value, then the default; a present null stops the fallback', () => {
    const policy = CachePolicy.compile(
      {
        operations: {
          op1: { options: { maxage: '1h', note: 'global' }, rulesets: { testrule: { note: null, flag: true } } },
        },
      },
      { operations },
    );
    expect(policy.resolveOptions(op1, 'testrule')).toEqual({ maxage: 3600, etags: null, flag: true, note: null });
    expect(policy.resolveOptions(op1, 'other')).toEqual({ maxage: 3600, etags: null, flag: false, note: 'global' });
  });

  it('PC-13 and "no dead defaults": every declared option is present and unset ones take the operation default', () => {
    const policy = CachePolicy.compile({}, { operations });
    expect(policy.resolveOptions(op1, 'any')).toEqual({ maxage: 86_400, etags: null, flag: false, note: null });
    expect(Object.isFrozen(policy.resolveOptions(op1, 'any'))).toBe(true);
    expect(policy.resolveOptions(op1, 'any')).toBe(policy.resolveOptions(op1, 'any'));
  });

  it.each([
    ['a non-object policy', 'nope', 'ERR_CACHESET_INVALID_POLICY', '(top level): expected a mapping'],
    [
      'an unknown key',
      { enable: true },
      'ERR_CACHESET_INVALID_POLICY',
      'enable: unknown policy key. Did you mean "enabled"?',
    ],
    [
      'a non-boolean enabled',
      { enabled: 'yes' },
      'ERR_CACHESET_INVALID_POLICY',
      'enabled: must be true or false, got "yes"',
    ],
    [
      'an invalid ruleset name',
      { operationMapping: { 'front-page': 'op1' } },
      'ERR_CACHESET_INVALID_RULESET_NAME',
      'operationMapping["front-page"]: invalid ruleset name',
    ],
    [
      'an unknown operation',
      { operationMapping: { x: 'opp1' } },
      'ERR_CACHESET_UNKNOWN_OPERATION',
      'operationMapping.x: unknown operation "opp1". Did you mean "op1"?',
    ],
    [
      'an unknown operation section',
      { operations: { op7: {} } },
      'ERR_CACHESET_UNKNOWN_OPERATION',
      'operations.op7: unknown operation "op7"',
    ],
    [
      'an unknown option',
      { operations: { op1: { options: { maxAge: 5 } } } },
      'ERR_CACHESET_INVALID_OPTION',
      "operations.op1.options.maxAge: operation 'op1' has no option 'maxAge'. Did you mean \"maxage\"?",
    ],
    [
      'a bad duration',
      { operations: { op1: { rulesets: { 'site.front': { maxage: 'ten minutes' } } } } },
      'ERR_CACHESET_INVALID_OPTION',
      'operations.op1.rulesets["site.front"].maxage: option \'maxage\' of operation \'op1\' (duration): "ten minutes" is not a duration',
    ],
    [
      'options written directly under the operation',
      { operations: { op1: { maxage: 5 } } },
      'ERR_CACHESET_INVALID_POLICY',
      '(\'maxage\' is an option: move it under "options")',
    ],
    [
      'a non-boolean debug switch',
      { debugHeaders: { rule: 'on' } },
      'ERR_CACHESET_INVALID_POLICY',
      'debugHeaders.rule: must be true or false',
    ],
  ])('%s is a typed error naming the key and the value', (_label, data, code, message) => {
    let caught: unknown;
    try {
      CachePolicy.compile(data, { operations });
    } catch (error) {
      caught = error;
    }
    expect(CachesetError.is(caught, code as `ERR_CACHESET_${string}`)).toBe(true);
    expect((caught as Error).message).toContain(message);
  });

  it('in explicit mode, ruleset names in the policy must be declared', () => {
    const isDeclared = (name: string): boolean => name === 'site.front';
    expect(() =>
      CachePolicy.compile(
        { operationMapping: { 'site.front': 'op1', 'site.fornt': 'op1' } },
        { operations, isDeclared },
      ),
    ).toThrowError(
      expect.objectContaining({
        code: 'ERR_CACHESET_RULESET_NOT_DECLARED',
        message: expect.stringContaining('operationMapping["site.fornt"]'),
      }),
    );
  });
});
