import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CachesetError,
  defineInterface,
  durationOption,
  loadConfig,
  loadConfigFile,
  OperationRegistry,
  RulesetRegistry,
  stringListOption,
  type CachingOperation,
} from '@cacheset/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

class FrontpageView {}
class NewsView {}
const IContent = defineInterface('tests.config.IContent');

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

const components = { FrontpageView, NewsView, IContent };

function errorOf(run: () => unknown): CachesetError {
  try {
    run();
  } catch (error) {
    if (CachesetError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a CachesetError');
}

describe('loadConfig', () => {
  let registry: RulesetRegistry;
  beforeEach(() => {
    registry = new RulesetRegistry({ warn: () => {} });
  });
  const load = (text: string, file = 'cacheset.yaml') =>
    loadConfig(text, file, { registry, operations: operations(), components });

  it('declares types, registers rules and compiles the policy from YAML', () => {
    const loaded = load(`
explicit: true
rulesetTypes:
  - { name: site.frontpage, title: Front page, description: The home page }
  - { name: site.content, title: Content }
rulesets:
  - { for: FrontpageView, ruleset: site.frontpage }
  - { for: IContent, ruleset: site.content }
policy:
  operationMapping:
    site.frontpage: moderateCaching
  operations:
    moderateCaching:
      options: { smaxage: 1d }
      rulesets:
        site.frontpage: { smaxage: 10m, etags: [userid, language] }
`);
    expect(registry.explicit).toBe(true);
    expect(registry.enumerateTypes().map((t) => t.name)).toEqual(['site.frontpage', 'site.content']);
    expect(registry.getType('site.frontpage')?.description).toBe('The home page');
    expect(registry.lookup(new FrontpageView())).toBe('site.frontpage');
    expect(registry.directLookup(IContent)).toBe('site.content');
    expect(loaded.policy.operationFor('site.frontpage')).toBe('moderateCaching');
    expect(loaded.policy.resolveOptions(moderate, 'site.frontpage')).toEqual({
      smaxage: 600,
      etags: ['userid', 'language'],
    });
    expect(loaded.policy.resolveOptions(moderate, 'site.content')).toEqual({ smaxage: 86_400, etags: null });
    expect(loaded.rules.map((r) => [r.for, r.ruleset])).toEqual([
      ['FrontpageView', 'site.frontpage'],
      ['IContent', 'site.content'],
    ]);
  });

  it('reads the same document as JSON', () => {
    const loaded = load(
      JSON.stringify({
        rulesetTypes: [{ name: 'site.news', title: 'News' }],
        rulesets: [{ for: 'NewsView', ruleset: 'site.news' }],
        policy: { operationMapping: { 'site.news': 'moderateCaching' } },
      }),
      'cacheset.json',
    );
    expect(registry.lookup(new NewsView())).toBe('site.news');
    expect(loaded.policy.enabled).toBe(true);
  });

  it('Z-15: a type declared after its rule in the same file still satisfies explicit mode', () => {
    load(`
explicit: true
rulesets:
  - { for: NewsView, ruleset: site.news }
rulesetTypes:
  - { name: site.news, title: News }
`);
    expect(registry.lookup(new NewsView())).toBe('site.news');
  });

  it('Z-15: two rulesetTypes with the same name conflict, naming both places', () => {
    const error = errorOf(() =>
      load(`rulesetTypes:
  - { name: site.news, title: News }
  - { name: site.news, title: News again }
`),
    );
    expect(error.code).toBe('ERR_CACHESET_CONFIG_CONFLICT');
    expect(error.message).toBe(
      "cacheset.yaml:3:13: rulesetTypes[1].name: ruleset type 'site.news' is already declared at rulesetTypes[0] in this file; declare each type once",
    );
    expect(error.details).toMatchObject({
      file: 'cacheset.yaml',
      key: 'rulesetTypes[1].name',
      value: 'site.news',
      line: 3,
      column: 13,
    });
  });

  it('Z-15: two rulesets for the same component conflict', () => {
    const error = errorOf(() =>
      load(`rulesets:
  - { for: NewsView, ruleset: site.a }
  - { for: NewsView, ruleset: site.b }
`),
    );
    expect(error.code).toBe('ERR_CACHESET_CONFIG_CONFLICT');
    expect(error.message).toContain("rulesets[1].for: 'NewsView' already has a ruleset at rulesets[0]");
  });

  it('a key repeated in one mapping is a conflict (JSON.parse would silently keep the last)', () => {
    const error = errorOf(() =>
      load('{"policy": {"operationMapping": {"site.a": "moderateCaching",\n "site.a": "chain"}}}', 'cacheset.json'),
    );
    expect(error.code).toBe('ERR_CACHESET_CONFIG_CONFLICT');
    expect(error.message).toMatch(/^cacheset\.json:2:2: a key is declared twice/);
  });

  it.each([
    [
      'an unknown top-level key',
      'rulesetType: []',
      'ERR_CACHESET_CONFIG_INVALID',
      'cacheset.yaml:1:1: rulesetType: unknown key. Did you mean "rulesetTypes"?',
    ],
    ['a non-mapping document', '- a\n- b', 'ERR_CACHESET_CONFIG_INVALID', 'the file must hold a mapping'],
    ['broken YAML', 'policy: {', 'ERR_CACHESET_CONFIG_INVALID', 'not valid JSON or YAML'],
    [
      'an invalid ruleset type name',
      'rulesetTypes:\n  - { name: site.front-page, title: x }',
      'ERR_CACHESET_INVALID_RULESET_NAME',
      'cacheset.yaml:2:13: rulesetTypes[0].name: invalid ruleset name "site.front-page": segment "front-page" contains a hyphen',
    ],
    [
      'a name with a leading digit',
      'rulesets:\n  - { for: NewsView, ruleset: 2fast }',
      'ERR_CACHESET_INVALID_RULESET_NAME',
      'rulesets[0].ruleset: invalid ruleset name "2fast"',
    ],
    [
      'a non-string name',
      'rulesetTypes:\n  - { name: 12, title: x }',
      'ERR_CACHESET_INVALID_RULESET_NAME',
      'invalid ruleset name 12: it is 12, not a string',
    ],
    [
      'a missing title',
      'rulesetTypes:\n  - { name: site.x }',
      'ERR_CACHESET_CONFIG_INVALID',
      'rulesetTypes[0].title: every ruleset type needs a title',
    ],
    [
      'an unknown component',
      'rulesets:\n  - { for: FrontPageView, ruleset: site.x }',
      'ERR_CACHESET_CONFIG_INVALID',
      'rulesets[0].for: unknown component \'FrontPageView\'. Did you mean "FrontpageView"?',
    ],
    [
      'a list where a mapping belongs',
      'rulesets: { for: NewsView }',
      'ERR_CACHESET_CONFIG_INVALID',
      'rulesets: must be a list, got an object',
    ],
    [
      'a non-boolean explicit',
      'explicit: "yes"',
      'ERR_CACHESET_CONFIG_INVALID',
      'explicit: must be true or false, got "yes"',
    ],
    [
      'a bad option value',
      'policy:\n  operations:\n    moderateCaching:\n      options: { smaxage: soon }',
      'ERR_CACHESET_INVALID_OPTION',
      "cacheset.yaml:4:27: policy.operations.moderateCaching.options.smaxage: option 'smaxage' of operation 'moderateCaching' (duration): \"soon\" is not a duration",
    ],
    [
      'an unknown operation',
      'policy:\n  operationMapping: { site.x: strongCaching }',
      'ERR_CACHESET_UNKNOWN_OPERATION',
      'policy.operationMapping["site.x"]: unknown operation "strongCaching"',
    ],
  ])('%s is a typed error naming file, position, key and value', (_label, text, code, message) => {
    const error = errorOf(() => load(text));
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
    expect(error.details.file).toBe('cacheset.yaml');
  });

  it('explicit mode rejects undeclared rulesets in rules and in the policy', () => {
    expect(errorOf(() => load('explicit: true\nrulesets:\n  - { for: NewsView, ruleset: site.news }'))).toMatchObject({
      code: 'ERR_CACHESET_RULESET_NOT_DECLARED',
    });
    expect(
      errorOf(() => load('explicit: true\npolicy:\n  operationMapping: { site.news: moderateCaching }')),
    ).toMatchObject({
      code: 'ERR_CACHESET_RULESET_NOT_DECLARED',
      message: expect.stringContaining('policy.operationMapping["site.news"]'),
    });
    registry.declareType('site.news', 'Declared in code');
    expect(() => load('explicit: true\nrulesets:\n  - { for: NewsView, ruleset: site.news }')).not.toThrow();
  });

  it('applies nothing when anything in the file is wrong', () => {
    expect(() =>
      load(`
explicit: true
rulesetTypes: [{ name: site.news, title: News }]
rulesets: [{ for: NewsView, ruleset: site.news }]
policy: { operationMapping: { site.news: nosuchOperation } }
`),
    ).toThrowError(expect.objectContaining({ code: 'ERR_CACHESET_UNKNOWN_OPERATION' }));
    expect(registry.enumerateTypes()).toEqual([]);
    expect(registry.explicit).toBe(false);
    expect(registry.lookup(new NewsView())).toBeUndefined();
  });

  it('an empty file is an empty configuration', () => {
    const loaded = load('');
    expect(loaded.policy.operationMapping).toBeUndefined();
  });
});

describe('loadConfigFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cacheset-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and names it in errors', async () => {
    const file = join(dir, 'site.yml');
    await writeFile(file, 'rulesetTypes:\n  - { name: site.x, title: X }\n  - { name: site.x, title: Y }\n');
    await expect(
      loadConfigFile(file, { registry: new RulesetRegistry(), operations: operations() }),
    ).rejects.toMatchObject({
      code: 'ERR_CACHESET_CONFIG_CONFLICT',
      message: expect.stringContaining(`${file}:3:`),
    });
  });

  it('a missing file is ERR_CACHESET_CONFIG_READ naming the path', async () => {
    const file = join(dir, 'absent.yaml');
    await expect(
      loadConfigFile(file, { registry: new RulesetRegistry(), operations: operations() }),
    ).rejects.toMatchObject({
      code: 'ERR_CACHESET_CONFIG_READ',
      message: expect.stringContaining(file),
    });
  });
});
