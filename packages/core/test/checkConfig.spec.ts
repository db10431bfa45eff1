import {
  CachesetError,
  checkConfig,
  durationOption,
  loadConfig,
  OperationRegistry,
  RulesetRegistry,
  stringListOption,
  type CachingOperation,
} from '@cacheset/core';
import { describe, expect, it } from 'vitest';

const moderate: CachingOperation<{ smaxage: number; etags: readonly string[] }> = {
  name: 'moderateCaching',
  title: 'Moderate caching',
  description: '',
  sort: 2,
  options: { smaxage: durationOption(86_400), etags: stringListOption(null) },
  modify() {},
};

function operations(): OperationRegistry {
  const registry = new OperationRegistry();
  registry.register(moderate);
  return registry;
}

/** What the loader itself says about `text` (its first problem). */
function loaderMessage(text: string, file = 'site.yaml'): string {
  try {
    loadConfig(text, file, { operations: operations(), registry: new RulesetRegistry(), components: {} });
  } catch (error) {
    if (CachesetError.is(error)) return error.message;
    throw error;
  }
  throw new Error('the loader accepted the text');
}

const BAD = `explicit: true
rulesetTypes:
  - name: site.frontpage
    title: Front page
  - name: Bad-Name
    title: Broken
  - name: site.news
    title: News
    colour: red
policy:
  operationMapping:
    site.frontpage: moderateCaching
    site.newz: moderateCaching
    site.feed: strongCachin
  operations:
    moderateCaching:
      options: { smaxage: soon }
`;

describe('checkConfig', () => {
  it('accepts a valid file and reports nothing', () => {
    const text = `explicit: true
rulesetTypes:
  - { name: site.frontpage, title: Front page }
rulesets:
  - { for: FrontpageView, ruleset: site.frontpage }
policy:
  operationMapping: { site.frontpage: moderateCaching }
`;
    expect(checkConfig(text, 'site.yaml', { operations: operations() })).toEqual([]);
  });

  it('lists every problem, one each, with file, line, column, key and value', () => {
    const problems = checkConfig(BAD, 'site.yaml', { operations: operations() });
    expect(problems.map((p) => [p.key, p.line, p.code])).toEqual([
      ['rulesetTypes[1].name', 5, 'ERR_CACHESET_INVALID_RULESET_NAME'],
      ['rulesetTypes[2].colour', 9, 'ERR_CACHESET_CONFIG_INVALID'],
      ['policy.operationMapping["site.newz"]', 13, 'ERR_CACHESET_RULESET_NOT_DECLARED'],
      ['policy.operationMapping["site.feed"]', 14, 'ERR_CACHESET_RULESET_NOT_DECLARED'],
      ['policy.operations.moderateCaching.options.smaxage', 17, 'ERR_CACHESET_INVALID_OPTION'],
    ]);
    for (const problem of problems) expect(problem.message).toMatch(/^site\.yaml:\d+:\d+: /);
    expect(problems[0]?.value).toBe('Bad-Name');
  });

  it("gives the loader's own message for the first problem, word for word", () => {
    const problems = checkConfig(BAD, 'site.yaml', { operations: operations() });
    expect(problems[0]?.message).toBe(loaderMessage(BAD));
  });

  it('gives later problems the message the loader gives once the earlier ones are fixed', () => {
    const fixed = BAD.replace('Bad-Name', 'site.broken').replace('    colour: red\n', '');
    const problems = checkConfig(fixed, 'site.yaml', { operations: operations() });
    const afterFix = checkConfig(BAD, 'site.yaml', { operations: operations() }).slice(2);
    expect(problems[0]?.message).toBe(loaderMessage(fixed));
    // Same problems, at lines shifted by the one removed line.
    expect(problems.map((p) => [p.key, (p.line ?? 0) + 1])).toEqual(afterFix.map((p) => [p.key, p.line]));
  });

  it('names original list positions after setting an entry aside', () => {
    const text = `rulesetTypes:
  - { name: Bad-Name, title: One }
  - { name: site.a, title: A }
  - { name: site.a, title: A again }
`;
    const problems = checkConfig(text, 'dup.yaml', { operations: operations() });
    expect(problems.map((p) => p.key)).toEqual(['rulesetTypes[0].name', 'rulesetTypes[2].name']);
    expect(problems[1]?.message).toContain('already declared at rulesetTypes[1]');
    expect(problems[1]?.code).toBe('ERR_CACHESET_CONFIG_CONFLICT');
  });

  it('checks component names only against the components given', () => {
    const text = `rulesets:\n  - { for: FrontPageView, ruleset: site.frontpage }\n`;
    expect(checkConfig(text, 'r.yaml', { operations: operations() })).toEqual([]);
    class FrontpageView {}
    const problems = checkConfig(text, 'r.yaml', { operations: operations(), components: { FrontpageView } });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('Did you mean "FrontpageView"?');
  });

  it('counts types declared in code for explicit mode', () => {
    const text = `explicit: true\npolicy:\n  operationMapping: { site.frontpage: moderateCaching }\n`;
    expect(checkConfig(text, 'e.yaml', { operations: operations() })).toHaveLength(1);
    expect(checkConfig(text, 'e.yaml', { operations: operations(), declaredTypes: ['site.frontpage'] })).toEqual([]);
  });

  it('reports a syntax error once and a file that is not a mapping', () => {
    const syntax = checkConfig('policy: [unclosed\n', 's.yaml', { operations: operations() });
    expect(syntax).toHaveLength(1);
    expect(syntax[0]?.message).toMatch(/^s\.yaml:\d+:\d+: not valid JSON or YAML/);
    const list = checkConfig('- a\n- b\n', 'l.yaml', { operations: operations() });
    expect(list).toHaveLength(1);
    expect(list[0]?.code).toBe('ERR_CACHESET_CONFIG_INVALID');
  });

  it('stops at maxProblems', () => {
    const many = `policy:\n  operationMapping:\n${Array.from({ length: 8 }, (_, i) => `    Bad${i}: x\n`).join('')}`;
    expect(checkConfig(many, 'm.yaml', { operations: operations() })).toHaveLength(8);
    expect(checkConfig(many, 'm.yaml', { operations: operations(), maxProblems: 3 })).toHaveLength(3);
  });
});
