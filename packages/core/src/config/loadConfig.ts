import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { isSpec, type Spec } from '../interfaces/Spec.js';
import { dottedNameProblem, describeValue } from '../names/dottedName.js';
import { didYouMean } from '../names/suggestName.js';
import type { OperationRegistry } from '../operations/OperationRegistry.js';
import { CachePolicy } from '../policy/CachePolicy.js';
import { getDefaultRegistry } from '../registry/defaultRegistry.js';
import type { RulesetRegistry } from '../registry/RulesetRegistry.js';
import type { RulesetType } from '../registry/RulesetType.js';
import { configError, type ConfigPath, type ConfigSource } from './ConfigSource.js';
import { positionIn } from './positionIn.js';

export interface LoadConfigOptions {
  /** The operations the policy may name (register the HTTP operations before loading). */
  readonly operations: OperationRegistry;
  /** Where types and rules go. Default: the default registry. */
  readonly registry?: RulesetRegistry;
  /** The classes and tokens that `rulesets[].for` may name, by the name used in the file. */
  readonly components?: Readonly<Record<string, Spec>>;
}

/** What a configuration file declared, after it was applied. */
export interface LoadedConfig {
  readonly file: string;
  readonly policy: CachePolicy;
  readonly rulesetTypes: readonly RulesetType[];
  readonly rules: readonly { readonly for: string; readonly spec: Spec; readonly ruleset: string }[];
}

const TOP_KEYS = ['explicit', 'rulesetTypes', 'rulesets', 'policy'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sourceFor(file: string, doc: Document, lines: LineCounter): ConfigSource {
  return {
    file,
    position: (path: ConfigPath, at: 'key' | 'value' = 'value') => positionIn(doc, lines, path, at),
  };
}

/**
 * Reads a configuration file (`.json`, `.yaml` or `.yml`) and applies it: see `loadConfig`.
 *
 * @example
 * const { policy } = await loadConfigFile('cacheset.yaml', { operations, components: { FrontpageView } });
 */
export async function loadConfigFile(file: string, options: LoadConfigOptions): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CachesetError(
      CoreErrorCodes.CONFIG_READ,
      `Cannot read the cacheset configuration ${file}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
        details: { file },
      },
    );
  }
  return loadConfig(text, file, options);
}

/**
 * Validates configuration text completely, then applies it: declares the ruleset types, sets explicit
 * mode if given, registers the rules, and returns the compiled policy. Nothing is applied when
 * anything is wrong; the error names the file, line, column, key and bad value.
 *
 * As with ZCML, types are declared before rules whatever their order in the file, and declaring the
 * same type or a second rule for the same component twice in one file is a conflict.
 */
export function loadConfig(text: string, file: string, options: LoadConfigOptions): LoadedConfig {
  const registry = options.registry ?? getDefaultRegistry();
  if (registry === undefined) {
    throw new CachesetError(
      CoreErrorCodes.NO_DEFAULT_REGISTRY,
      `Loading ${file}: there is no default ruleset registry; pass { registry } or call resetDefaultRegistry().`,
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const source = sourceFor(file, doc, lines);
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const { line, col } = lines.linePos(firstError.pos[0]);
    const duplicate = firstError.code === 'DUPLICATE_KEY';
    throw new CachesetError(
      duplicate ? CoreErrorCodes.CONFIG_CONFLICT : CoreErrorCodes.CONFIG_INVALID,
      duplicate
        ? `${file}:${line}:${col}: a key is declared twice in the same mapping; each key may appear once per file. ${firstError.message.split('\n')[0] ?? ''}`
        : `${file}:${line}:${col}: not valid JSON or YAML: ${firstError.message.split('\n')[0] ?? firstError.message}`,
      { details: { file, line, column: col, yamlCode: firstError.code } },
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const fail: Fail = (code, path, problem, value, at) => {
    throw configError(code, path, problem, value, source, at);
  };
  if (!isRecord(data))
    fail(
      CoreErrorCodes.CONFIG_INVALID,
      [],
      `the file must hold a mapping with ${TOP_KEYS.join(', ')}, got ${describeValue(data)}`,
      data,
    );
  const top = data as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (!(TOP_KEYS as readonly string[]).includes(key)) {
      fail(
        CoreErrorCodes.CONFIG_INVALID,
        [key],
        `unknown key.${didYouMean(key, TOP_KEYS)} Known keys: ${TOP_KEYS.join(', ')}`,
        top[key],
        'key',
      );
    }
  }

  if (top.explicit !== undefined && typeof top.explicit !== 'boolean')
    fail(
      CoreErrorCodes.CONFIG_INVALID,
      ['explicit'],
      `must be true or false, got ${describeValue(top.explicit)}`,
      top.explicit,
    );
  const explicit = (top.explicit as boolean | undefined) ?? registry.explicit;

  const types = readList(top, 'rulesetTypes', fail).map((entry, index): RulesetType => {
    const path = ['rulesetTypes', index];
    const item = expectRecord(entry, path, ['name', 'title', 'description'], fail);
    const name = item.name;
    const problem = dottedNameProblem(name);
    if (problem !== undefined)
      fail(
        CoreErrorCodes.INVALID_RULESET_NAME,
        [...path, 'name'],
        `invalid ruleset name ${describeValue(name)}: ${problem}; use a dotted name such as "site.frontpage"`,
        name,
      );
    if (typeof item.title !== 'string')
      fail(
        CoreErrorCodes.CONFIG_INVALID,
        [...path, 'title'],
        `every ruleset type needs a title (a string), got ${describeValue(item.title)}`,
        item.title,
      );
    if (item.description !== undefined && typeof item.description !== 'string')
      fail(
        CoreErrorCodes.CONFIG_INVALID,
        [...path, 'description'],
        `must be a string, got ${describeValue(item.description)}`,
        item.description,
      );
    return {
      name: name as string,
      title: item.title as string,
      description: (item.description as string | undefined) ?? '',
    };
  });
  const firstTypeAt = new Map<string, number>();
  types.forEach((type, index) => {
    const first = firstTypeAt.get(type.name);
    if (first !== undefined) {
      fail(
        CoreErrorCodes.CONFIG_CONFLICT,
        ['rulesetTypes', index, 'name'],
        `ruleset type '${type.name}' is already declared at rulesetTypes[${first}] in this file; declare each type once`,
        type.name,
      );
    }
    firstTypeAt.set(type.name, index);
  });
  const declared = (name: string): boolean => firstTypeAt.has(name) || registry.getType(name) !== undefined;

  const components = options.components ?? {};
  const firstRuleAt = new Map<string, number>();
  const rules = readList(top, 'rulesets', fail).map((entry, index) => {
    const path = ['rulesets', index];
    const item = expectRecord(entry, path, ['for', 'ruleset'], fail);
    if (typeof item.for !== 'string' || item.for.length === 0)
      fail(
        CoreErrorCodes.CONFIG_INVALID,
        [...path, 'for'],
        `must name a component (a string), got ${describeValue(item.for)}`,
        item.for,
      );
    const forName = item.for as string;
    if (!Object.hasOwn(components, forName)) {
      const known = Object.keys(components);
      fail(
        CoreErrorCodes.CONFIG_INVALID,
        [...path, 'for'],
        `unknown component '${forName}'.${didYouMean(forName, known)} Pass it to the loader: loadConfigFile(file, { components: { ${forName} } })${known.length > 0 ? `; known: ${known.join(', ')}` : ''}`,
        forName,
      );
    }
    const spec = components[forName];
    if (!isSpec(spec))
      fail(
        CoreErrorCodes.INVALID_TARGET,
        [...path, 'for'],
        `component '${forName}' is ${describeValue(spec)}, not a class or interface token`,
        forName,
      );
    const ruleset = item.ruleset;
    const problem = dottedNameProblem(ruleset);
    if (problem !== undefined)
      fail(
        CoreErrorCodes.INVALID_RULESET_NAME,
        [...path, 'ruleset'],
        `invalid ruleset name ${describeValue(ruleset)}: ${problem}; use a dotted name such as "site.frontpage"`,
        ruleset,
      );
    if (explicit && !declared(ruleset as string)) {
      fail(
        CoreErrorCodes.RULESET_NOT_DECLARED,
        [...path, 'ruleset'],
        `ruleset '${String(ruleset)}' is not declared and explicit mode is on.${didYouMean(String(ruleset), [...firstTypeAt.keys()])} Add it to rulesetTypes`,
        ruleset,
      );
    }
    const first = firstRuleAt.get(forName);
    if (first !== undefined)
      fail(
        CoreErrorCodes.CONFIG_CONFLICT,
        [...path, 'for'],
        `'${forName}' already has a ruleset at rulesets[${first}] in this file; give each component one rule`,
        forName,
      );
    firstRuleAt.set(forName, index);
    return { for: forName, spec: spec as Spec, ruleset: ruleset as string };
  });

  const policy = CachePolicy.compile(top.policy ?? {}, {
    operations: options.operations,
    source,
    path: ['policy'],
    ...(explicit ? { isDeclared: declared } : {}),
  });

  // Everything is valid: apply, types first (as ZCML orders its actions), then the mode, then rules.
  for (const type of types) registry.declareType(type.name, type.title, type.description);
  if (top.explicit !== undefined) registry.setExplicitMode(top.explicit as boolean);
  for (const rule of rules) registry.register(rule.spec, rule.ruleset);
  return { file, policy, rulesetTypes: types, rules };
}

type Fail = (
  code: (typeof CoreErrorCodes)[keyof typeof CoreErrorCodes],
  path: ConfigPath,
  problem: string,
  value: unknown,
  at?: 'key' | 'value',
) => never;

function readList(top: Record<string, unknown>, key: string, fail: Fail): unknown[] {
  const value = top[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    return fail(CoreErrorCodes.CONFIG_INVALID, [key], `must be a list, got ${describeValue(value)}`, value);
  return value;
}

function expectRecord(value: unknown, path: ConfigPath, keys: readonly string[], fail: Fail): Record<string, unknown> {
  if (!isRecord(value))
    return fail(
      CoreErrorCodes.CONFIG_INVALID,
      path,
      `must be a mapping with ${keys.join(', ')}, got ${describeValue(value)}`,
      value,
    );
  for (const key of Object.keys(value)) {
    if (!keys.includes(key))
      fail(
        CoreErrorCodes.CONFIG_INVALID,
        [...path, key],
        `unknown key.${didYouMean(key, keys)} Known keys: ${keys.join(', ')}`,
        value[key],
        'key',
      );
  }
  return value;
}
