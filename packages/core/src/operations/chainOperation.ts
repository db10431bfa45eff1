import { isPromiseLike, type MaybePromise } from '../async/isPromiseLike.js';
import type { CachingOperation, InterceptResult } from './CachingOperation.js';
import { stringListOption, type OptionSpec } from './OptionSpec.js';

export const CHAIN_HEADER = 'X-Cache-Chain-Operations';

const operationsOption: OptionSpec<readonly string[]> = {
  ...stringListOption([], 'The operations to run, in order.'),
  check(names, context) {
    if (names.includes(context.operationName)) return `a chain cannot contain '${context.operationName}' itself`;
    const unknown = names.filter((name) => !context.hasOperation(name));
    return unknown.length === 0
      ? undefined
      : `names unknown operations: ${unknown.join(', ')} (registered: ${context.operationNames().join(', ')})`;
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

  intercept(context): MaybePromise<InterceptResult | undefined> {
    const names = context.options.operations ?? [];
    const called: string[] = [];
    const answered = (result: InterceptResult): InterceptResult => {
      if (context.debugHeader('chainOperations')) context.response.setHeader(CHAIN_HEADER, called.join('; '));
      return result;
    };
    // Synchronous until a member answers with a promise; from there on, one continuation per member.
    const from = (start: number): MaybePromise<InterceptResult | undefined> => {
      for (let i = start; i < names.length; i += 1) {
        const name = names[i] as string;
        const delegated = context.delegate(name);
        if (delegated === undefined) continue;
        called.push(name);
        const result = delegated.operation.intercept?.(delegated.context);
        if (isPromiseLike<InterceptResult | undefined>(result)) {
          return Promise.resolve(result).then((answer) => (answer !== undefined ? answered(answer) : from(i + 1)));
        }
        if (result !== undefined) return answered(result);
      }
      return undefined;
    };
    return from(0);
  },

  modify(context): void {
    const called: string[] = [];
    for (const name of context.options.operations ?? []) {
      const delegated = context.delegate(name);
      if (delegated === undefined) continue;
      called.push(name);
      delegated.operation.modify?.(delegated.context);
    }
    if (called.length > 0 && context.debugHeader('chainOperations'))
      context.response.setHeader(CHAIN_HEADER, called.join('; '));
  },
};
