import type { CacheResponse } from '@cacheset/core';
import type { FastifyReply } from 'fastify';
import { headerText } from '../node/nodeExchange.js';

/**
 * CacheResponse over a Fastify reply's header API. Fastify keeps headers on the reply and hands them
 * all to `writeHead` at the end, where they override anything set on the raw response: going through
 * the reply is what keeps the policy's headers from being lost or sent twice.
 */
export class FastifyCacheResponse implements CacheResponse {
  readonly reply: FastifyReply;

  constructor(reply: FastifyReply) {
    this.reply = reply;
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
  }

  removeHeader(name: string): void {
    this.reply.removeHeader(name);
  }

  headerNames(): readonly string[] {
    return Object.keys(this.reply.getHeaders());
  }
}
