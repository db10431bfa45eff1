import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import type { CacheRequest, CacheResponse, CacheUser } from '@cacheset/core';
import type { HeaderSnapshot } from './headerSnapshot.js';

const UNRESOLVED = Symbol('cacheset.http.unresolvedUser');

/** CacheRequest over a node IncomingMessage (also what Express, Fastify and Koa requests wrap). */
export class NodeCacheRequest implements CacheRequest {
  readonly raw: IncomingMessage;
  readonly #userOf: (request: IncomingMessage) => CacheUser | undefined;
  #user: CacheUser | undefined | typeof UNRESOLVED = UNRESOLVED;

  constructor(raw: IncomingMessage, userOf: (request: IncomingMessage) => CacheUser | undefined) {
    this.raw = raw;
    this.#userOf = userOf;
  }

  get method(): string {
    return this.raw.method ?? 'GET';
  }

  get url(): string {
    return this.raw.url ?? '/';
  }

  header(name: string): string | undefined {
    const value = this.raw.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  get user(): CacheUser | undefined {
    if (this.#user === UNRESOLVED) this.#user = this.#userOf(this.raw);
    return this.#user;
  }
}

/** A header value as one string; several lines joined with ', '. */
export function headerText(value: OutgoingHttpHeader | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/**
 * CacheResponse over a node ServerResponse (Express and Koa set headers on it directly too).
 *
 * While intercept runs the headers it sets are held here (`holdHeaders`): an answer (a 304, a RAM
 * hit) is then written with one `writeHead(status, headers)`, which costs Node about half of setting
 * the same headers one by one; a request that goes on to render gets them on the response first
 * (`releaseHeaders`). Held headers are three parallel arrays, not a Map of entries: a dozen headers
 * at most, set once each, and no per-header object on a path that runs for every request.
 */
export class NodeCacheResponse implements CacheResponse {
  readonly raw: ServerResponse;
  /** Held header names as set, lower-case names, and values; undefined when not holding. */
  #names: string[] | undefined;
  #keys: string[] = EMPTY;
  #values: (string | readonly string[])[] = EMPTY;
  /** The names `releaseHeaders` put on the response (their keys and values stay in the arrays above). */
  #releasedNames: readonly string[] | undefined;

  constructor(raw: ServerResponse) {
    this.raw = raw;
  }

  get status(): number {
    return this.raw.statusCode;
  }

  set status(value: number) {
    this.raw.statusCode = value;
  }

  getHeader(name: string): string | undefined {
    if (this.#names !== undefined) {
      const at = this.#keys.indexOf(name.toLowerCase());
      if (at >= 0) {
        const value = this.#values[at] as string | readonly string[];
        return typeof value === 'string' ? value : value.join(', ');
      }
    }
    return headerText(this.raw.getHeader(name));
  }

  setHeader(name: string, value: string | readonly string[]): void {
    const names = this.#names;
    if (names === undefined) {
      // Only an intercept that was given up on writes this late: its headers cannot reach the client.
      if (!this.raw.headersSent) this.raw.setHeader(name, value as string | string[]);
      return;
    }
    const key = name.toLowerCase();
    const held = typeof value === 'string' ? value : [...value];
    const at = this.#keys.indexOf(key);
    if (at >= 0) {
      names[at] = name;
      this.#values[at] = held;
    } else {
      names.push(name);
      this.#keys.push(key);
      this.#values.push(held);
    }
  }

  removeHeader(name: string): void {
    if (this.#names !== undefined) {
      const at = this.#keys.indexOf(name.toLowerCase());
      if (at >= 0) {
        this.#names.splice(at, 1);
        this.#keys.splice(at, 1);
        this.#values.splice(at, 1);
      }
    }
    if (!this.raw.headersSent && this.raw.hasHeader(name)) this.raw.removeHeader(name);
  }

  headerNames(): readonly string[] {
    const names = this.raw.getHeaderNames();
    if (this.#names === undefined) return names;
    return [...new Set([...names, ...this.#keys])];
  }

  /** Holds headers set from now on, for one `writeHead` (see the class comment). */
  holdHeaders(): void {
    if (this.#names !== undefined) return;
    // Array.of, not `[]` literals: a literal's allocation site lets V8 decide to allocate all of its
    // arrays in the old generation (these live as long as the response), where, dead, they kept the
    // request's young objects alive through every scavenge until the next full collection.
    this.#names = Array.of<string>();
    this.#keys = Array.of<string>();
    this.#values = Array.of<string | readonly string[]>();
  }

  /** Stops holding: the held headers go onto the response, for a handler that renders. */
  releaseHeaders(): void {
    const names = this.#names;
    if (names === undefined) return;
    this.#names = undefined;
    this.#releasedNames = names;
    const values = this.#values;
    for (let i = 0; i < names.length; i += 1) this.raw.setHeader(names[i] as string, values[i] as string | string[]);
  }

  /**
   * The headers intercept set that `releaseHeaders` put on the response, in order (a prepared render
   * is learnt from them); undefined when none were released.
   */
  released(): HeaderSnapshot | undefined {
    const names = this.#releasedNames;
    return names === undefined ? undefined : { names, keys: this.#keys, values: this.#values };
  }

  /**
   * Writes the status line and every header, held ones in one call (an intercepted answer). Gives
   * the held headers as written (a prepared answer is learnt from them), or undefined when none.
   */
  writeHead(status: number): readonly string[] | undefined {
    const names = this.#names;
    this.#names = undefined;
    if (names === undefined || names.length === 0) {
      this.raw.writeHead(status);
      return undefined;
    }
    // Node's fastest header form: one flat [name, value, ...] list given to writeHead.
    const values = this.#values;
    const flat: string[] = [];
    for (let i = 0; i < names.length; i += 1) {
      const value = values[i] as string | readonly string[];
      if (typeof value === 'string') flat.push(names[i] as string, value);
      else for (const line of value) flat.push(names[i] as string, line);
    }
    this.raw.writeHead(status, flat);
    return flat;
  }
}

const EMPTY: never[] = [];
