import type { InterceptOutcome } from '@cacheset/core';
import type { FastifyReply } from 'fastify';
import { eachPreparedHeader, type PreparedHitWriter } from '../node/preparedHitWriter.js';
import { headerText } from '../node/nodeExchange.js';

const bodyless = (status: number): boolean => status === 304 || status === 204 || status < 200;

/**
 * Sends an intercepted answer through the reply. A HEAD answer keeps its body: Fastify's HEAD routes
 * take Content-Length from the payload and drop it, so HEAD gets the Content-Length GET gets.
 */
export function answer(reply: FastifyReply, outcome: InterceptOutcome): void {
  reply.code(outcome.status);
  const { body } = outcome;
  if (bodyless(outcome.status)) reply.send();
  else reply.send(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

/**
 * Writes prepared answers (RAM-cache hits and 304s) as `answer` writes the engine's: headers on the
 * reply, then `reply.send`, so the application's own onSend and onResponse hooks run as for any answer.
 */
export const FASTIFY_HIT_WRITER: PreparedHitWriter<FastifyReply> = {
  headerOf: (reply, name) => headerText(reply.getHeader(name)),
  sendHit(reply, status, headers, body, _head, noBody) {
    // reply.header replaces a header set before (Set-Cookie aside, which is never stored).
    eachPreparedHeader(headers, (name, value) => reply.header(name, value));
    reply.code(status);
    if (noBody) reply.send();
    else reply.send(body);
  },
  sendNotModified(reply, headers) {
    // reply.header replaces a header set before (Set-Cookie aside).
    eachPreparedHeader(headers, (name, value) => reply.header(name, value));
    reply.code(304).send();
  },
};

/** The payload of a late answer: none for a 304 (a rendered stream is closed), else the answer's body. */
export function lateAnswerPayload(payload: unknown, outcome: InterceptOutcome): unknown {
  const stream = payload as { destroy?: () => void; pipe?: unknown } | null | undefined;
  if (typeof stream?.pipe === 'function' && typeof stream.destroy === 'function') stream.destroy();
  const { body } = outcome;
  if (bodyless(outcome.status)) return null;
  return typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
