import type { FastifyReply } from 'fastify';
import type { HeaderReader, HeaderSnapshot, HeaderValue } from '../node/headerSnapshot.js';

/**
 * A Fastify reply's headers as a prepared render reads them: Fastify keeps them on the reply, in
 * the order they were set (lower-case), until it writes them all at once.
 */
export class ReplyHeaders implements HeaderReader {
  readonly #reply: FastifyReply;

  constructor(reply: FastifyReply) {
    this.#reply = reply;
  }

  getHeaderNames(): string[] {
    return Object.keys(this.#reply.getHeaders());
  }

  getHeader(name: string): HeaderValue | undefined {
    return this.#reply.getHeader(name);
  }
}

/** The headers on `reply` now (a prepared render is learnt from them). */
export function snapshotReply(reply: FastifyReply): HeaderSnapshot {
  const headers = reply.getHeaders();
  const keys = Object.keys(headers);
  return { names: keys, keys, values: keys.map((key) => headers[key] as HeaderValue) };
}
