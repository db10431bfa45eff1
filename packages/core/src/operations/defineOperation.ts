import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { assertDottedName, describeValue } from '../names/dottedName.js';
import type { CachingOperation, OperationOptions } from './CachingOperation.js';

function invalid(message: string, details: Record<string, unknown> = {}): CachesetError {
  return new CachesetError(CoreErrorCodes.INVALID_OPERATION, message, { details });
}

/**
 * Validates an operation definition: dotted name, title, well-formed option specs whose defaults
 * parse, and at least one of `intercept`/`modify`. Returns it frozen.
 *
 * @example
 * export const auditOperation = defineOperation({
 *   name: 'myapp.audit', title: 'Audit', description: '', sort: 50,
 *   options: { header: stringOption('X-Audit') },
 *   modify(ctx) { ctx.response.setHeader(ctx.options.header ?? 'X-Audit', ctx.ruleset); },
 * });
 */
export function defineOperation<O extends OperationOptions>(operation: CachingOperation<O>): CachingOperation<O> {
  if (typeof operation !== 'object' || operation === null)
    throw invalid(`defineOperation: expected an operation object, got ${describeValue(operation)}.`);
  assertDottedName(operation.name, 'operation name', 'defineOperation');
  const where = `operation '${operation.name}'`;
  if (typeof operation.title !== 'string') throw invalid(`${where}: title must be a string.`);
  if (typeof operation.description !== 'string') throw invalid(`${where}: description must be a string.`);
  if (typeof operation.sort !== 'number' || Number.isNaN(operation.sort))
    throw invalid(`${where}: sort must be a number.`);
  if (operation.intercept !== undefined && typeof operation.intercept !== 'function')
    throw invalid(`${where}: intercept must be a function.`);
  if (operation.modify !== undefined && typeof operation.modify !== 'function')
    throw invalid(`${where}: modify must be a function.`);
  if (operation.intercept === undefined && operation.modify === undefined)
    throw invalid(`${where}: give intercept(), modify() or both.`);
  if (typeof operation.options !== 'object' || operation.options === null)
    throw invalid(`${where}: options must be an object of option specs.`);
  for (const [name, spec] of Object.entries(operation.options as Record<string, unknown>)) {
    const s = spec as { parse?: unknown; default?: unknown; kind?: unknown } | null;
    if (
      typeof s !== 'object' ||
      s === null ||
      typeof s.parse !== 'function' ||
      !('default' in s) ||
      typeof s.kind !== 'string'
    ) {
      throw invalid(
        `${where}: option '${name}' is not an option spec; make it with booleanOption(), durationOption(), stringListOption() and friends.`,
        { option: name },
      );
    }
    try {
      (s.parse as (v: unknown) => unknown)(s.default);
    } catch (error) {
      throw invalid(
        `${where}: the default of option '${name}' does not pass its own parser: ${error instanceof Error ? error.message : String(error)}`,
        { option: name },
      );
    }
  }
  return Object.freeze({ ...operation });
}
