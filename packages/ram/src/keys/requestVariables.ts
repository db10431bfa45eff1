import { describeValue, type CacheRequest } from '@cacheset/core';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';

/** Reads one request variable; null when the request does not have it (anonymous, header absent). */
export type VariableReader = (request: CacheRequest) => string | null;

export interface RequestVariable {
  readonly name: string;
  readonly read: VariableReader;
}

function queryOf(url: string): URLSearchParams {
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}

function readerOf(name: string): VariableReader | undefined {
  switch (name) {
    case 'user':
      return (r) => r.user?.id ?? null;
    case 'roles':
      return (r) => (r.user === undefined ? null : [...r.user.roles].sort().join(','));
    case 'method':
      return (r) => r.method;
    case 'url':
      return (r) => r.url;
    case 'path':
      return (r) => {
        const q = r.url.indexOf('?');
        return q < 0 ? r.url : r.url.slice(0, q);
      };
    default:
      break;
  }
  if (name.startsWith('header:') && name.length > 7) {
    const header = name.slice(7);
    return (r) => r.header(header) ?? null;
  }
  if (name.startsWith('query:') && name.length > 6) {
    const parameter = name.slice(6);
    return (r) => {
      const values = queryOf(r.url).getAll(parameter);
      return values.length === 0 ? null : values.join(',');
    };
  }
  return undefined;
}

/**
 * Validates and sorts the `requestVariables` option (RAMCacheManager sorts its request_vars), so the
 * key part is built in one order whatever order the configuration lists them in.
 */
export function parseRequestVariables(names: unknown): readonly RequestVariable[] {
  if (!Array.isArray(names)) {
    throw ramError(
      RamErrorCodes.INVALID_OPTIONS,
      `requestVariables: expected a list such as ['user', 'header:accept-language'], got ${describeValue(names)}.`,
      names,
    );
  }
  const seen = new Set<string>();
  const variables: RequestVariable[] = [];
  for (const name of names as unknown[]) {
    const read = typeof name === 'string' ? readerOf(name) : undefined;
    if (typeof name !== 'string' || read === undefined) {
      throw ramError(
        RamErrorCodes.INVALID_OPTIONS,
        `requestVariables: ${describeValue(name)} is not a request variable; use 'user', 'roles', 'method', 'path', 'url', 'header:<name>' or 'query:<name>'.`,
        name,
      );
    }
    if (seen.has(name)) continue;
    seen.add(name);
    variables.push({ name, read });
  }
  return variables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
