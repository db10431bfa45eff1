import type { CachingOperation, InterceptResult } from './CachingOperation.js';
import { stringListOption, type OptionSpec } from './OptionSpec.js';

export const CHAIN_HEADER = 'X-Cache-Chain-Operations';

const operationsOption: OptionSpec<readonly string[]> = {
  ...stringListOption([], 'The operations to run, in order.'),
  check(names, context) {
    if (names.includes(context.operationName)) return `a chain cannot contain '${context.operationName}' itself`;
    const unknown = names.filter((name) => !context.hasOperation(name));
    return unknown.length === 0 ? undefined : `names unknown operations: ${unknown.join(', ')} (registered: ${context.operationNames().join(', ')})`;
  },
};

/**
 * plone.caching's chain: `intercept` runs the listed operations in order and the first that answers
 * wins; `modify` runs them all. `X-Cache-Chain-Operations` lists what ran, joined with '; '.
 * Operations that are not registered at request time are skipped.
 */
export const chainOperation: CachingOperation<{ operations: readonly string[] }> = {
  name: 'chain',
  title: 'Chain',
  description: 'Runs several operations in order: the first to intercept wins; all of them modify.',
  sort: 100,
  options: { operations: operationsOption },

  async intercept(context): Promise<InterceptResult | undefined> {
    const called: string[] = [];
    for (const name of context.options.operations ?? []) {
      const delegated = context.delegate(name);
      if (delegated === undefined) continue;
      called.push(name);
      const result = await delegated.operation.intercept?.(delegated.context);
      if (result !== undefined) {
        if (context.debugHeader('chainOperations')) context.response.setHeader(CHAIN_HEADER, called.join('; '));
        return result;
      }
    }
    return undefined;
  },

  modify(context): void {
    const called: string[] = [];
    for (const name of context.options.operations ?? []) {
      const delegated = context.delegate(name);
      if (delegated === undefined) continue;
      called.push(name);
      delegated.operation.modify?.(delegated.context);
    }
    if (called.length > 0 && context.debugHeader('chainOperations')) context.response.setHeader(CHAIN_HEADER, called.join('; '));
  },
};
