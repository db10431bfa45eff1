import type { UnitOfWork } from '@cacheset/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { holdResponseForWork } from '../node/holdResponseForWork.js';
import { closePreparedUnit, openPreparedUnit } from '../node/preparedUnit.js';
import { hintsOf, type RouteCaching } from '../node/routeHints.js';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { ReplyHeaders } from './replyHeaders.js';

/** The host's prepared answers, and one route's prepared render (see PreparedAnswers.renderFor). */
type Prepared = NonNullable<HttpCaching['prepared']>;
type PreparedRender = NonNullable<ReturnType<Prepared['renderFor']>>;

/** Whether the handler (or a hook) named the caching of this request anywhere a session would look. */
function namedLate(request: FastifyRequest, reply: FastifyReply): boolean {
  return (
    request.cacheRuleset !== undefined ||
    request.cachePublished !== undefined ||
    hintsOf(request) !== undefined ||
    hintsOf(reply) !== undefined ||
    hintsOf(request.raw) !== undefined ||
    hintsOf(reply.raw) !== undefined
  );
}

/**
 * A page a Fastify route renders under its prepared render: the handler runs in a unit of work of
 * its own, with the headers intercept would have set already on the reply; in onSend the learnt
 * headers join the handler's when the reply is still the one they were learnt from (a 200, the
 * same headers of the handler, no hint named since, the same policy). Otherwise the plugin hands
 * the request to a caching session there, in the same unit (see cachesetFastify).
 */
export class PreparedReplyRender {
  readonly unit: UnitOfWork;
  readonly route: RouteCaching;
  readonly #entry: PreparedRender;
  #failure: { readonly error: unknown } | undefined;
  /** A session took the request over (it closes the unit then), or the unit was closed. */
  #done = false;

  constructor(
    caching: HttpCaching,
    request: FastifyRequest,
    reply: FastifyReply,
    route: RouteCaching,
    entry: PreparedRender,
  ) {
    this.route = route;
    this.#entry = entry;
    this.unit = openPreparedUnit(caching, request.raw);
    // What intercept puts on the reply before the handler runs (X-Cache-Rule...).
    for (const [name, value] of entry.template.before) reply.header(name, value);
    holdResponseForWork(reply.raw, this.unit);
    reply.raw.once('close', () => this.close(reply));
  }

  get failure(): { readonly error: unknown } | undefined {
    return this.#failure;
  }

  failed(error: unknown): void {
    this.#failure ??= { error };
  }

  /**
   * Sets the learnt headers on the reply, right before Fastify writes them; false when the reply
   * no longer fits them, and the engine's modify must run.
   */
  apply(prepared: Prepared, request: FastifyRequest, reply: FastifyReply): boolean {
    if (reply.statusCode !== 200 || namedLate(request, reply)) return false;
    const head = prepared.renderHead(this.#entry, new ReplyHeaders(reply));
    if (head === undefined) return false;
    // The handler's own (inert) headers are on the reply already, in their place; reply.header
    // keeps a name's place when it replaces its value, so the order is the engine's.
    const { inertAt } = this.#entry.template;
    for (let i = 0; i < head.length; i += 2) if (!inertAt.includes(i + 1)) reply.header(head[i] as string, head[i + 1]);
    return true;
  }

  /** A session takes over from here: it closes the unit. */
  handOver(): void {
    this.#done = true;
  }

  /** The response finished or closed: the unit is committed or aborted, once. */
  close(reply: FastifyReply): void {
    if (this.#done) return;
    this.#done = true;
    closePreparedUnit(this.unit, reply.raw, this.#failure);
  }
}
