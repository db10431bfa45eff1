import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Why `value` is not a dotted name, or undefined when it is one.
 * Dotted names are segments of ASCII letters, digits and underscores, separated by single dots,
 * each segment starting with a letter or underscore: `site.frontpage`, `plone.content.itemView`.
 */
export function dottedNameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `it is ${describeValue(value)}, not a string`;
  if (value.length === 0) return 'it is empty';
  const segments = value.split('.');
  for (const [index, segment] of segments.entries()) {
    if (segment.length === 0) {
      return index === 0
        ? 'it starts with a dot'
        : index === segments.length - 1
          ? 'it ends with a dot'
          : 'it has an empty segment ("..")';
    }
    if (SEGMENT.test(segment)) continue;
    if (/^[0-9]/.test(segment)) return `segment "${segment}" starts with a digit`;
    const bad = [...segment].find((ch) => !/[A-Za-z0-9_]/.test(ch)) ?? '';
    const label = bad === '-' ? 'a hyphen' : /\s/.test(bad) ? 'whitespace' : `"${bad}"`;
    return `segment "${segment}" contains ${label}`;
  }
  return undefined;
}

export function isDottedName(value: unknown): value is string {
  return dottedNameProblem(value) === undefined;
}

/**
 * Throws `ERR_CACHESET_INVALID_RULESET_NAME` unless `value` is a dotted name.
 * @param what what the name is, for the message ("ruleset name", "operation name")
 * @param where where it came from ("@cacheRuleset on FrontpageView", "config.yaml: policy.operationMapping")
 */
export function assertDottedName(value: unknown, what: string, where?: string): asserts value is string {
  const problem = dottedNameProblem(value);
  if (problem === undefined) return;
  const source = where === undefined ? '' : ` (${where})`;
  throw new CachesetError(
    CoreErrorCodes.INVALID_RULESET_NAME,
    `Invalid ${what} ${describeValue(value)}${source}: ${problem}. ` +
      'Use a dotted name: segments of letters, digits and underscores separated by dots, each starting with a letter or underscore, e.g. "site.frontpage".',
    { details: { value, what, ...(where === undefined ? {} : { where }) } },
  );
}

/** A short, safe rendering of any value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const ctor = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return ctor !== undefined && ctor !== 'Object' ? `a ${ctor} object` : 'an object';
}
