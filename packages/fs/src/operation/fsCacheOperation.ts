import {
  annotationKey,
  describeValue,
  stringListOption,
  type CachingOperation,
  type OperationContext,
  type OperationOptions,
} from '@cacheset/core';
import { FsErrorCodes, fsError } from '../errors/fsErrorCodes.js';
import { FsCache } from '../store/FsCache.js';
import type { FsWriteTicket } from '../store/PurgeGenerations.js';
import type { RefusalReason } from '../stats/RefusalReason.js';
import { headerOf, responseProblem } from './sharingProblems.js';
import { gatherShareability, requestCapture, shareabilityNow } from '@cacheset/core/internal';

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

const ticketKey = annotationKey<FsWriteTicket>('cacheset.fs.ticket');

/** What is not safe to share, known before the response is finished (the order is the reported one). */
function earlyRefusal(ctx: OperationContext<FsCacheOperationOptions>): RefusalReason | undefined {
  const { request, response } = ctx;
  if (request.method !== 'GET') return 'method';
  if (response.status !== 200) return 'status';
  if (request.user !== undefined) return 'authenticated';
  if (response.getHeader('set-cookie') !== undefined) return 'set-cookie';
  // The HTTP layer's facts: the cache-stop variables, and whether anonymous visitors may see the content.
  const facts = shareabilityNow(ctx);
  if (facts.cacheStop) return 'cache-stop';
  if (!facts.contentPublic) return 'not-public';
  return undefined;
}

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
      if (ctx.exchange.trace === undefined) ticketKey.set(ctx.exchange, cache.begin());
      await gatherShareability(ctx);
      return undefined;
    },

    modify(ctx: OperationContext<FsCacheOperationOptions>) {
      const { request, exchange } = ctx;
      const { trace } = exchange;
      // An explained request counts nothing and writes nothing: its verdict goes to the trace.
      const refuse = (reason: RefusalReason): void =>
        trace === undefined ? cache.refuse(reason) : trace.layer({ layer: 'fs', stores: false, reason });
      const ticket = ticketKey.get(exchange) ?? cache.begin();
      const early = earlyRefusal(ctx);
      if (early !== undefined) {
        refuse(early);
        return;
      }
      const located = cache.locate(request.url, ctx.options.queryParameters);
      if ('problem' in located) {
        refuse(located.problem);
        return;
      }
      const { location } = located;
      requestCapture(exchange, {
        maxBytes: cache.options.maxFileBytes,
        complete(captured) {
          const problem = responseProblem(captured.status, captured.headers, cache.cacheControl);
          const input = { contentType: headerOf(captured.headers, 'content-type'), body: captured.body };
          if (problem !== undefined) refuse(problem);
          else if (trace === undefined) void cache.write(ticket, location, input);
          else {
            const would = cache.wouldWrite(location, input);
            if ('problem' in would) refuse(would.problem);
            else trace.layer({ layer: 'fs', stores: true, detail: { file: would.file, root: cache.root } });
          }
        },
        abandon(reason) {
          refuse(reason === 'too-large' ? 'too-large' : 'aborted');
        },
      });
    },
  };
}
