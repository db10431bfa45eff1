import { LineCounter, parseDocument } from 'yaml';
import { CachesetError, type CachesetErrorCode } from '../errors/CachesetError.js';
import type { Spec } from '../interfaces/Spec.js';
import type { OperationRegistry } from '../operations/OperationRegistry.js';
import { RulesetRegistry } from '../registry/RulesetRegistry.js';
import { formatConfigPath, type ConfigPath } from './ConfigSource.js';
import { loadConfig } from './loadConfig.js';
import { positionIn } from './positionIn.js';

export interface CheckConfigOptions {
  /** The operations the policy may name (register the HTTP operations first). */
  readonly operations: OperationRegistry;
  /**
   * The classes and tokens that `rulesets[].for` may name. Default `'any'`: every name is accepted, as a
   * command-line check cannot import the application's classes.
   */
  readonly components?: Readonly<Record<string, Spec>> | 'any';
  /** Ruleset types the application declares in code (with `declareType`), for explicit-mode checks. */
  readonly declaredTypes?: readonly string[];
  /** Stop after this many problems. Default 100. */
  readonly maxProblems?: number;
}

/** One problem in a configuration file: what `loadConfig` would have thrown for it. */
export interface ConfigProblem {
  readonly code: CachesetErrorCode;
  /** `file:line:column: key: problem`, the loader's own message. */
  readonly message: string;
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** The key in `policy.operationMapping["site.frontpage"]` form; `(top level)` for the whole file. */
  readonly key?: string;
  readonly value?: unknown;
}

type Path = (string | number)[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Answers every component name with a placeholder class, so that offline checks skip resolution.
function anyComponent(): Readonly<Record<string, Spec>> {
  const made = new Map<string, Spec>();
  const specFor = (name: string): Spec => {
    let spec = made.get(name);
    if (spec === undefined) {
      spec = class {};
      made.set(name, spec);
    }
    return spec;
  };
  return new Proxy({} as Record<string, Spec>, {
    get: (_target, key) => (typeof key === 'string' ? specFor(key) : undefined),
    getOwnPropertyDescriptor: (_target, key) =>
      typeof key === 'string'
        ? { value: specFor(key), enumerable: true, configurable: true, writable: false }
        : undefined,
    has: (_target, key) => typeof key === 'string',
    ownKeys: () => [],
  });
}

const LISTS = ['rulesetTypes', 'rulesets'] as const;

/**
 * Validates configuration text and returns every problem, one per entry, each with the message
 * `loadConfig` gives for it (file, line, column, key, value). Nothing is applied anywhere: the check
 * runs the loader against a throw-away registry, and after each problem sets the faulty entry aside
 * and runs again, so one mistake is reported once and the rest of the file is still checked. A file
 * that is not valid JSON or YAML reports its first syntax error only.
 *
 * @example
 * const problems = checkConfig(text, 'cacheset.yaml', { operations: registerHttpOperations(new OperationRegistry()) });
 * for (const p of problems) console.error(p.message);
 */
export function checkConfig(text: string, file: string, options: CheckConfigOptions): ConfigProblem[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const components =
    options.components === undefined || options.components === 'any' ? anyComponent() : options.components;
  const max = options.maxProblems ?? 100;
  const fresh = (): RulesetRegistry => {
    const registry = new RulesetRegistry();
    for (const name of options.declaredTypes ?? []) registry.declareType(name, name);
    return registry;
  };
  const attempt = (source: string): CachesetError | undefined => {
    try {
      loadConfig(source, file, { operations: options.operations, registry: fresh(), components });
      return undefined;
    } catch (error) {
      if (CachesetError.is(error)) return error;
      throw error;
    }
  };
  const asProblem = (error: CachesetError): ConfigProblem => ({
    code: error.code,
    message: error.message,
    file,
    ...(typeof error.details.line === 'number' ? { line: error.details.line } : {}),
    ...(typeof error.details.column === 'number' ? { column: error.details.column } : {}),
    ...(typeof error.details.key === 'string' ? { key: error.details.key } : {}),
    ...('value' in error.details ? { value: error.details.value } : {}),
  });

  const first = attempt(text);
  if (first === undefined) return [];
  if (doc.errors.length > 0 || !Array.isArray(first.details.path)) return [asProblem(first)];
  const data: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  if (!isRecord(data)) return [asProblem(first)];

  // The pruned copy the loader sees, and for each list the original index of every remaining entry.
  const pruned = structuredClone(data);
  const origin: Record<(typeof LISTS)[number], number[]> = {
    rulesetTypes: Array.isArray(data.rulesetTypes) ? data.rulesetTypes.map((_, i) => i) : [],
    rulesets: Array.isArray(data.rulesets) ? data.rulesets.map((_, i) => i) : [],
  };
  const toOriginal = (path: ConfigPath): Path => {
    const [head, index, ...rest] = path;
    const list = LISTS.find((name) => name === head);
    if (list === undefined || typeof index !== 'number') return [...path];
    return [list, origin[list][index] ?? index, ...rest];
  };
  // Indices the loader names inside its text ("already declared at rulesetTypes[0]") are mapped back too.
  const renumber = (problem: string): string =>
    problem.replace(/\b(rulesetTypes|rulesets)\[(\d+)\]/g, (whole, list: (typeof LISTS)[number], index: string) => {
      const original = origin[list][Number(index)];
      return original === undefined ? whole : `${list}[${original}]`;
    });

  const problems: ConfigProblem[] = [];
  let error: CachesetError | undefined = first;
  let current = text;
  while (error !== undefined && problems.length < max) {
    const syntheticPath = error.details.path;
    if (!Array.isArray(syntheticPath) || syntheticPath.length === 0) {
      problems.push(asProblem(error));
      break;
    }
    const path = toOriginal(syntheticPath as ConfigPath);
    const syntheticKey = formatConfigPath(syntheticPath as ConfigPath);
    const at = reportedAt(current, syntheticPath as ConfigPath, error);
    const position = positionIn(doc, lines, path, at);
    const key = formatConfigPath(path);
    const afterKey = error.message.indexOf(`${syntheticKey}: `);
    const problem = renumber(afterKey < 0 ? error.message : error.message.slice(afterKey + syntheticKey.length + 2));
    const where = position === undefined ? `${file}: ` : `${file}:${position.line}:${position.column}: `;
    problems.push({
      code: error.code,
      message: `${where}${key}: ${problem}`,
      file,
      ...(position === undefined ? {} : { line: position.line, column: position.column }),
      key,
      ...('value' in error.details ? { value: error.details.value } : {}),
    });
    if (!setAside(pruned, syntheticPath as ConfigPath, origin)) break;
    current = JSON.stringify(pruned, null, 1);
    error = attempt(current);
  }
  return problems;
}

/** Whether the loader placed the problem at the key (an unknown key) or at the value, from its position. */
function reportedAt(text: string, path: ConfigPath, error: CachesetError): 'key' | 'value' {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const key = positionIn(doc, lines, path, 'key');
  const value = positionIn(doc, lines, path, 'value');
  const same = (p: { line: number; column: number } | undefined): boolean =>
    p !== undefined && p.line === error.details.line && p.column === error.details.column;
  return same(key) && !same(value) ? 'key' : 'value';
}

/**
 * Removes what a problem is about from the pruned copy: a whole entry of `rulesetTypes` / `rulesets`
 * (keeping the index map), else the nearest mapping key on the path. Returns false when nothing could
 * be removed, which ends the check rather than looping on the same problem.
 */
function setAside(data: Record<string, unknown>, path: ConfigPath, origin: Record<string, number[]>): boolean {
  const [head, index] = path;
  if ((head === 'rulesetTypes' || head === 'rulesets') && typeof index === 'number') {
    const list = data[head];
    if (!Array.isArray(list) || index >= list.length) return false;
    list.splice(index, 1);
    origin[head]?.splice(index, 1);
    return true;
  }
  // Within the policy, drop the deepest mapping key (a list element goes with the key that holds the list).
  for (let depth = path.length; depth >= 1; depth -= 1) {
    const last = path[depth - 1];
    if (typeof last !== 'string') continue;
    let parent: unknown = data;
    for (const segment of path.slice(0, depth - 1)) {
      parent = isRecord(parent) || Array.isArray(parent) ? (parent as Record<string, unknown>)[segment] : undefined;
    }
    if (isRecord(parent) && Object.hasOwn(parent, last)) {
      delete parent[last];
      return true;
    }
  }
  return false;
}
