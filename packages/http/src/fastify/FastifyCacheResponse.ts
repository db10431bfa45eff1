import type { CacheResponse } from '@cacheset/core';
import type { FastifyReply } from 'fastify';
import { flatHeaders } from '../node/headerPairs.js';
import { headerText } from '../node/nodeExchange.js';

/**
 * CacheResponse over a Fastify reply's header API. Fastify keeps headers on the reply and hands them
 * all to `writeHead` at the end, where they override anything set on the raw response: going through
 * the reply is what keeps the policy's headers from being lost or sent twice.
 */
export class FastifyCacheResponse implements CacheResponse {
  readonly reply: FastifyReply;
  /** The names set through this response (lower case, as Fastify keeps them), in order: what a prepared 304 is learnt from. */
  #names: string[] | undefined;

  constructor(reply: FastifyReply) {
    this.reply = reply;
  }

  /**
   * The headers set through this response and still on the reply, flat (`[name, value, ...]`, a list
   * value one line each): cacheset's answer, without what the application's hooks put on the reply.
   */
  writtenHeaders(): string[] {
    return flatHeaders(this.#names ?? [], (name) => this.reply.getHeader(name));
  }

  get status(): number {
    return this.reply.statusCode;
  }

  set status(value: number) {
    this.reply.code(value);
  }

  getHeader(name: string): string | undefined {
    return headerText(this.reply.getHeader(name));
  }

  setHeader(name: string, value: string | readonly string[]): void {
    // reply.header appends to an existing Set-Cookie; every other header it replaces.
    if (name.toLowerCase() === 'set-cookie') this.reply.removeHeader(name);
    this.reply.header(name, typeof value === 'string' ? value : [...value]);
    const key = name.toLowerCase();
    const names = (this.#names ??= []);
    if (!names.includes(key)) names.push(key);
  }

  removeHeader(name: string): void {
    this.reply.removeHeader(name);
    const at = this.#names?.indexOf(name.toLowerCase()) ?? -1;
    if (at >= 0) this.#names?.splice(at, 1);
  }

  headerNames(): readonly string[] {
    return Object.keys(this.reply.getHeaders());
  }
}
