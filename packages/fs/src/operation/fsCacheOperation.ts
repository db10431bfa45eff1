import {
  describeValue,
  stringListOption,
  type CachingOperation,
  type OperationContext,
  type OperationOptions,
} from '@cacheset/core';
import { factsNow, gatherFacts, hasCacheStopVariable, httpSettingsOf, requestCapture } from '@cacheset/http';
import { FsErrorCodes, fsError } from '../errors/fsErrorCodes.js';
import { FsCache } from '../store/FsCache.js';
import type { FsWriteTicket } from '../store/PurgeGenerations.js';
import { headerOf, responseProblem } from './sharingProblems.js';

export interface FsCacheOperationOptions extends OperationOptions {
  /** Query parameters that may vary a page (each query variant is its own file). Default: none. */
  queryParameters: readonly string[];
}

export interface CreateFsCacheOperationOptions {
  /** The name the policy maps rulesets to. Default `fsCache`. */
  readonly name?: string;
  /** Position in user interfaces. Default 20. */
  readonly sort?: number;
}

const ticketKey = Symbol('cacheset.fs.ticket');
const NO_FACTS = { etagKeys: [], lastModified: false } as const;

/**
 * The operation that dumps responses to disk for nginx. Map rulesets to it alone, or (usually) run
 * it in a `chain` after a header operation, so the Cache-Control it checks is the final one:
 *
 * ```yaml
 * operationMapping: { site.page: chain }
 * operations:
 *   chain: { rulesets: { site.page: { operations: [moderateCaching, fsCache] } } }
 * ```
 *
 * - `intercept` takes the purge ticket before the view renders (and resolves IAnonymousAccess), so a
 *   purge that arrives while the page renders cancels its write.
 * - `modify` refuses what is not safe to share at once (method, status, authenticated request,
 *   content not public, cache-stop variables, a path with no safe place under the root, a query the
 *   policy does not allow, a cookie), and otherwise asks the server adapter for the finished body.
 * - When the response has finished, its final status and headers are checked again (cookies,
 *   private/no-store, Vary, Content-Encoding, the static Cache-Control) and the body is written.
 *
 * Every refusal is counted with its reason in `cache.stats().refused`; nothing is ever thrown at the
 * request.
 */
export function createFsCacheOperation(
  cache: FsCache,
  options: CreateFsCacheOperationOptions = {},
): CachingOperation<FsCacheOperationOptions> {
  if (!(cache instanceof FsCache))
    throw fsError(
      FsErrorCodes.INVALID_OPTIONS,
      `createFsCacheOperation: expected an FsCache (await FsCache.open({ root })), got ${describeValue(cache)}.`,
      cache,
    );
  if (typeof options !== 'object' || options === null)
    throw fsError(
      FsErrorCodes.INVALID_OPTIONS,
      `createFsCacheOperation: expected options, got ${describeValue(options)}.`,
      options,
    );
  const sort = options.sort ?? 20;
  if (typeof sort !== 'number' || Number.isNaN(sort))
    throw fsError(
      FsErrorCodes.INVALID_OPTIONS,
      `createFsCacheOperation: sort must be a number, got ${describeValue(sort)}.`,
      sort,
    );
  return {
    name: options.name ?? 'fsCache',
    title: 'Filesystem cache',
    description:
      'Writes shareable responses under the document root that nginx serves before the application (try_files); Purge events delete them.',
    sort,
    options: {
      queryParameters: stringListOption(
        null,
        'Query parameters that may vary a page; a request with any other parameter, or not in canonical order, is not written. Default: none (a query string is never written).',
      ),
    },

    async intercept(ctx) {
      ctx.exchange.annotations.set(ticketKey, cache.begin());
      await gatherFacts(ctx, NO_FACTS);
      return undefined;
    },

    modify(ctx: OperationContext<FsCacheOperationOptions>) {
      const { request, response, exchange } = ctx;
      const ticket = (exchange.annotations.get(ticketKey) as FsWriteTicket | undefined) ?? cache.begin();
      const early =
        request.method !== 'GET'
          ? 'method'
          : response.status !== 200
            ? 'status'
            : request.user !== undefined
              ? 'authenticated'
              : response.getHeader('set-cookie') !== undefined
                ? 'set-cookie'
                : hasCacheStopVariable(request, httpSettingsOf(exchange).cacheStopRequestVariables)
                  ? 'cache-stop'
                  : !factsNow(ctx, NO_FACTS).contentPublic
                    ? 'not-public'
                    : undefined;
      if (early !== undefined) {
        cache.refuse(early);
        return;
      }
      const located = cache.locate(request.url, ctx.options.queryParameters);
      if ('problem' in located) {
        cache.refuse(located.problem);
        return;
      }
      const { location } = located;
      requestCapture(exchange, {
        maxBytes: cache.options.maxFileBytes,
        complete(captured) {
          const problem = responseProblem(captured.status, captured.headers, cache.cacheControl);
          if (problem !== undefined) cache.refuse(problem);
          else
            void cache.write(ticket, location, {
              contentType: headerOf(captured.headers, 'content-type'),
              body: captured.body,
            });
        },
        abandon(reason) {
          cache.refuse(reason === 'too-large' ? 'too-large' : 'aborted');
        },
      });
    },
  };
}
