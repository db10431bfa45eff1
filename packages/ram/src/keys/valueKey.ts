import { describeValue, type CacheRequest } from '@cacheset/core';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';
import type { RequestVariable } from './requestVariables.js';

/** A keyword value: primitives only, so that a key is the same in every process. */
export type KeywordValue = string | number | boolean | null;

export interface ValueKeyParts {
  /** The view (or any name for the kind of value) within the object. Default `''`. */
  readonly view?: string;
  /** The request whose variables key the entry (see the `requestVariables` option). */
  readonly request?: CacheRequest;
  /** The request variables' values given directly, for code that runs outside a request. */
  readonly variables?: Readonly<Record<string, string | null>>;
  /** Further key parts; their order does not matter. */
  readonly keywords?: Readonly<Record<string, KeywordValue>>;
}

const MAX_VIEW_LENGTH = 256;

function invalid(where: string, message: string, value: unknown): never {
  throw ramError(RamErrorCodes.INVALID_KEY, `${where}: ${message}`, value);
}

/** The view name, validated. */
export function viewOf(parts: ValueKeyParts, where: string): string {
  const view = parts.view ?? '';
  if (typeof view !== 'string' || view.length > MAX_VIEW_LENGTH || view.includes('\0')) {
    invalid(
      where,
      `view must be a string of at most ${MAX_VIEW_LENGTH} characters without NUL, got ${describeValue(view)}.`,
      view,
    );
  }
  return view;
}

/**
 * RAMCacheManager's index made into one string: object path, view name, the request variables in
 * sorted order, the keywords sorted by name. Starts with NUL, which no response key does, so values
 * and responses share one store without colliding. Keyword values keep their type (`1` and `'1'`
 * differ), unlike the ancestor's `str()`.
 */
export function valueKey(
  canonicalPath: string,
  view: string,
  parts: ValueKeyParts,
  variables: readonly RequestVariable[],
  where: string,
): string {
  const values: (string | null)[] = [];
  const given = parts.variables;
  if (given !== undefined && (typeof given !== 'object' || given === null))
    invalid(where, `variables must be an object of names to strings, got ${describeValue(given)}.`, given);
  if (given !== undefined) {
    for (const name of Object.keys(given)) {
      if (!variables.some((v) => v.name === name)) {
        invalid(
          where,
          `variables: '${name}' is not one of the configured requestVariables (${variables.map((v) => v.name).join(', ') || 'none'}).`,
          name,
        );
      }
    }
  }
  for (const variable of variables) {
    let value: string | null = null;
    if (given !== undefined && Object.hasOwn(given, variable.name)) {
      const v = given[variable.name];
      if (v !== null && typeof v !== 'string')
        invalid(where, `variables.${variable.name} must be a string or null, got ${describeValue(v)}.`, v);
      value = v ?? null;
    } else if (parts.request !== undefined) {
      value = variable.read(parts.request);
    }
    values.push(value);
  }
  const keywords = parts.keywords;
  let keywordPart = '[]';
  if (keywords !== undefined) {
    if (typeof keywords !== 'object' || keywords === null || Array.isArray(keywords))
      invalid(
        where,
        `keywords must be an object of names to primitive values, got ${describeValue(keywords)}.`,
        keywords,
      );
    const names = Object.keys(keywords).sort();
    const pairs: [string, KeywordValue][] = [];
    for (const name of names) {
      const v = keywords[name] as unknown;
      const ok =
        v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
      if (!ok)
        invalid(
          where,
          `keywords.${name} must be a string, a finite number, a boolean or null, got ${describeValue(v)}.`,
          v,
        );
      pairs.push([name, v as KeywordValue]);
    }
    keywordPart = JSON.stringify(pairs);
  }
  return `\0${canonicalPath}\0${view}\0${JSON.stringify(values)}\0${keywordPart}`;
}
