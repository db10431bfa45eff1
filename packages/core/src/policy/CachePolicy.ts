import { configError, type ConfigPath, type ConfigSource } from '../config/ConfigSource.js';
import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { dottedNameProblem, describeValue } from '../names/dottedName.js';
import { didYouMean } from '../names/suggestName.js';
import { operationSourceHint } from '../operations/operationSources.js';
import type {
  CachingOperation,
  DebugHeaderSwitches,
  OperationOptions,
  OptionValues,
} from '../operations/CachingOperation.js';
import type { OperationRegistry } from '../operations/OperationRegistry.js';
import type { PolicyData } from './PolicyData.js';
import type { ResolvedOption } from './ResolvedOption.js';

export interface CompilePolicyOptions {
  readonly operations: OperationRegistry;
  /** In explicit mode: whether a ruleset name is declared; undeclared names in the policy are errors. */
  readonly isDeclared?: (ruleset: string) => boolean;
  /** The file the data came from, for error positions. */
  readonly source?: ConfigSource;
  /** Where the policy sits in that file, e.g. ['policy']. */
  readonly path?: ConfigPath;
}

type OptionMap = ReadonlyMap<string, unknown>;

interface OperationSettings {
  readonly global: OptionMap;
  readonly rulesets: ReadonlyMap<string, OptionMap>;
}

/** The debug headers of plone.caching; plugins add theirs (cacheStatus, ramCache, ...). */
const CORE_DEBUG_HEADERS = ['rule', 'operation', 'chainOperations'] as const;

/**
 * Whether debug headers are on unless the policy names them: they reveal ruleset and operation
 * names, which help while developing and tell strangers about the site's internals in production.
 * Read when a policy is compiled (start-up, `setPolicy`), never per request.
 */
function debugHeadersByDefault(): boolean {
  return globalThis.process?.env?.NODE_ENV !== 'production';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What the administrator decided: which operation serves each ruleset, and with which options.
 * Immutable once compiled; to change the policy at run time, compile a new one and hand it to the
 * engine. Option values resolve per-ruleset first, then the operation's global value, then the
 * operation's default; an explicit `null` at either level means "none" and stops the fallback.
 */
export class CachePolicy {
  readonly enabled: boolean;
  /** Ruleset → operation name; undefined switches the whole machinery off (no debug headers either). */
  readonly operationMapping: ReadonlyMap<string, string> | undefined;
  /** Every switch the policy named, and the core ones; names not listed follow `debugHeadersDefault`. */
  readonly debugHeaders: DebugHeaderSwitches;
  /** Whether a debug header the policy does not name is on: false when compiled with NODE_ENV=production. */
  readonly debugHeadersDefault: boolean;
  readonly #settings: ReadonlyMap<string, OperationSettings>;
  readonly #resolved = new WeakMap<CachingOperation, Map<string, OptionValues<OperationOptions>>>();

  private constructor(
    enabled: boolean,
    mapping: ReadonlyMap<string, string> | undefined,
    debugHeaders: DebugHeaderSwitches,
    debugHeadersDefault: boolean,
    settings: ReadonlyMap<string, OperationSettings>,
  ) {
    this.enabled = enabled;
    this.operationMapping = mapping;
    this.debugHeaders = debugHeaders;
    this.debugHeadersDefault = debugHeadersDefault;
    this.#settings = settings;
  }

  /**
   * Validates `data` against the registered operations and returns the policy. Every problem is an
   * `ERR_CACHESET_*` error naming the key (and the file and position when `source` is given): unknown
   * operations, unknown options, option values of the wrong type, invalid or undeclared ruleset names.
   */
  static compile(data: PolicyData | unknown, options: CompilePolicyOptions): CachePolicy {
    const base = options.path ?? [];
    const fail = (
      code: (typeof CoreErrorCodes)[keyof typeof CoreErrorCodes],
      path: ConfigPath,
      problem: string,
      value: unknown,
      at: 'key' | 'value' = 'value',
    ): never => {
      throw configError(code, [...base, ...path], problem, value, options.source, at);
    };
    if (!isRecord(data))
      fail(
        CoreErrorCodes.INVALID_POLICY,
        [],
        `expected a mapping with enabled, operationMapping and operations, got ${describeValue(data)}`,
        data,
      );
    const record = data as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!['enabled', 'operationMapping', 'operations', 'debugHeaders'].includes(key)) {
        fail(
          CoreErrorCodes.INVALID_POLICY,
          [key],
          `unknown policy key.${didYouMean(key, ['enabled', 'operationMapping', 'operations', 'debugHeaders'])} Known keys: enabled, operationMapping, operations, debugHeaders`,
          record[key],
          'key',
        );
      }
    }
    const rulesetName = (path: ConfigPath, name: string): void => {
      const problem = dottedNameProblem(name);
      if (problem !== undefined)
        fail(
          CoreErrorCodes.INVALID_RULESET_NAME,
          path,
          `invalid ruleset name ${describeValue(name)}: ${problem}; use a dotted name such as "site.frontpage"`,
          name,
        );
      if (options.isDeclared !== undefined && !options.isDeclared(name)) {
        fail(
          CoreErrorCodes.RULESET_NOT_DECLARED,
          path,
          `ruleset '${name}' is not declared and explicit mode is on; add it to rulesetTypes or fix the name`,
          name,
        );
      }
    };
    const operationName = (path: ConfigPath, name: unknown): CachingOperation => {
      if (typeof name !== 'string' || !options.operations.has(name)) {
        return fail(
          CoreErrorCodes.UNKNOWN_OPERATION,
          path,
          `unknown operation ${describeValue(name)}.` +
            `${typeof name === 'string' ? didYouMean(name, options.operations.names()) : ''} ` +
            `Registered operations: ${options.operations.names().join(', ')}.${operationSourceHint(name)}`,
          name,
        );
      }
      return options.operations.require(name);
    };

    const enabled = record.enabled ?? true;
    if (typeof enabled !== 'boolean')
      fail(CoreErrorCodes.INVALID_POLICY, ['enabled'], `must be true or false, got ${describeValue(enabled)}`, enabled);

    let mapping: Map<string, string> | undefined;
    if (record.operationMapping !== undefined && record.operationMapping !== null) {
      if (!isRecord(record.operationMapping))
        fail(
          CoreErrorCodes.INVALID_POLICY,
          ['operationMapping'],
          `must map ruleset names to operation names, got ${describeValue(record.operationMapping)}`,
          record.operationMapping,
        );
      mapping = new Map();
      for (const [ruleset, name] of Object.entries(record.operationMapping as Record<string, unknown>)) {
        rulesetName(['operationMapping', ruleset], ruleset);
        mapping.set(ruleset, operationName(['operationMapping', ruleset], name).name);
      }
    }

    const debugDefault = debugHeadersByDefault();
    const debugHeaders: Record<string, boolean> = {};
    for (const name of CORE_DEBUG_HEADERS) debugHeaders[name] = debugDefault;
    if (record.debugHeaders !== undefined) {
      if (!isRecord(record.debugHeaders))
        fail(
          CoreErrorCodes.INVALID_POLICY,
          ['debugHeaders'],
          `must map header switches to true or false, got ${describeValue(record.debugHeaders)}`,
          record.debugHeaders,
        );
      for (const [name, on] of Object.entries(record.debugHeaders as Record<string, unknown>)) {
        if (typeof on !== 'boolean')
          fail(
            CoreErrorCodes.INVALID_POLICY,
            ['debugHeaders', name],
            `must be true or false, got ${describeValue(on)}`,
            on,
          );
        debugHeaders[name] = on as boolean;
      }
    }

    const checkContext = (name: string) => ({
      operationName: name,
      hasOperation: (n: string) => options.operations.has(n),
      operationNames: () => options.operations.names(),
    });
    const readOptions = (operation: CachingOperation, path: ConfigPath, raw: unknown): OptionMap => {
      if (!isRecord(raw))
        return fail(
          CoreErrorCodes.INVALID_OPTION,
          path,
          `must map option names to values, got ${describeValue(raw)}`,
          raw,
        );
      const values = new Map<string, unknown>();
      const known = Object.keys(operation.options);
      for (const [key, value] of Object.entries(raw)) {
        const spec = (operation.options as Record<string, CachingOperation['options'][string]>)[key];
        if (spec === undefined) {
          fail(
            CoreErrorCodes.INVALID_OPTION,
            [...path, key],
            `operation '${operation.name}' has no option '${key}'.${didYouMean(key, known)} Its options: ${known.join(', ') || '(none)'}`,
            value,
            'key',
          );
        }
        let parsed: unknown;
        try {
          parsed = spec?.parse(value);
        } catch (error) {
          const problem = CachesetError.is(error) ? error.message : String(error);
          fail(
            CoreErrorCodes.INVALID_OPTION,
            [...path, key],
            `option '${key}' of operation '${operation.name}' (${spec?.kind ?? 'value'}): ${problem}`,
            value,
          );
        }
        const problem =
          parsed === null || parsed === undefined ? undefined : spec?.check?.(parsed, checkContext(operation.name));
        if (problem !== undefined)
          fail(
            CoreErrorCodes.INVALID_OPTION,
            [...path, key],
            `option '${key}' of operation '${operation.name}' ${problem}`,
            value,
          );
        values.set(key, parsed);
      }
      return values;
    };

    const settings = new Map<string, OperationSettings>();
    if (record.operations !== undefined && record.operations !== null) {
      if (!isRecord(record.operations))
        fail(
          CoreErrorCodes.INVALID_POLICY,
          ['operations'],
          `must map operation names to their settings, got ${describeValue(record.operations)}`,
          record.operations,
        );
      for (const [name, raw] of Object.entries(record.operations as Record<string, unknown>)) {
        const operation = operationName(['operations', name], name);
        if (!isRecord(raw))
          fail(
            CoreErrorCodes.INVALID_POLICY,
            ['operations', name],
            `must be a mapping with "options" and/or "rulesets", got ${describeValue(raw)}`,
            raw,
          );
        const section = raw as Record<string, unknown>;
        for (const key of Object.keys(section)) {
          if (key !== 'options' && key !== 'rulesets') {
            fail(
              CoreErrorCodes.INVALID_POLICY,
              ['operations', name, key],
              `unknown key; put option values under "options" (for every ruleset) or "rulesets" → ruleset name → options.${operation.options[key] === undefined ? '' : ` ('${key}' is an option: move it under "options")`}`,
              section[key],
              'key',
            );
          }
        }
        const global =
          section.options === undefined
            ? new Map()
            : readOptions(operation, ['operations', name, 'options'], section.options);
        const rulesets = new Map<string, OptionMap>();
        if (section.rulesets !== undefined) {
          if (!isRecord(section.rulesets))
            fail(
              CoreErrorCodes.INVALID_POLICY,
              ['operations', name, 'rulesets'],
              `must map ruleset names to options, got ${describeValue(section.rulesets)}`,
              section.rulesets,
            );
          for (const [ruleset, rawOptions] of Object.entries(section.rulesets as Record<string, unknown>)) {
            rulesetName(['operations', name, 'rulesets', ruleset], ruleset);
            rulesets.set(ruleset, readOptions(operation, ['operations', name, 'rulesets', ruleset], rawOptions));
          }
        }
        settings.set(operation.name, { global, rulesets });
      }
    }
    return new CachePolicy(enabled as boolean, mapping, Object.freeze(debugHeaders), debugDefault, settings);
  }

  /** The operation name mapped to `ruleset`, if any. */
  operationFor(ruleset: string): string | undefined {
    return this.operationMapping?.get(ruleset);
  }

  /** Every option of `operation` for `ruleset`: per-ruleset value, else global value, else default. */
  resolveOptions<O extends OperationOptions>(operation: CachingOperation<O>, ruleset: string): OptionValues<O> {
    const op = operation as unknown as CachingOperation;
    let byRuleset = this.#resolved.get(op);
    if (byRuleset === undefined) this.#resolved.set(op, (byRuleset = new Map()));
    let values = byRuleset.get(ruleset);
    if (values === undefined) {
      const settings = this.#settings.get(op.name);
      const perRuleset = settings?.rulesets.get(ruleset);
      const resolved: Record<string, unknown> = {};
      for (const [name, spec] of Object.entries(op.options)) {
        if (perRuleset?.has(name) === true) resolved[name] = perRuleset.get(name);
        else if (settings?.global.has(name) === true) resolved[name] = settings.global.get(name);
        else resolved[name] = spec.default;
      }
      values = Object.freeze(resolved);
      byRuleset.set(ruleset, values);
    }
    return values as OptionValues<O>;
  }

  /**
   * Every option of `operation` for `ruleset` with where its value comes from, in the order the
   * operation declares them (what `resolveOptions` gives, explained).
   */
  explainOptions(operation: CachingOperation, ruleset: string): readonly ResolvedOption[] {
    const settings = this.#settings.get(operation.name);
    const perRuleset = settings?.rulesets.get(ruleset);
    return Object.entries(operation.options).map(([name, spec]): ResolvedOption => {
      if (perRuleset?.has(name) === true) return { name, value: perRuleset.get(name), origin: 'ruleset' };
      if (settings?.global.has(name) === true) return { name, value: settings.global.get(name), origin: 'global' };
      return { name, value: spec.default, origin: 'default' };
    });
  }

  /**
   * Whether the policy wants the named debug header; names it does not mention follow the default
   * (on, except when the policy was compiled with NODE_ENV=production).
   */
  debugHeader(name: string): boolean {
    return this.debugHeaders[name] ?? this.debugHeadersDefault;
  }
}
