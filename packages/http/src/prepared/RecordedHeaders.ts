import type { CacheResponse } from '@cacheset/core';

/**
 * A CacheResponse that only records: the headers set on it, in the order first set, a later set of
 * the same name (any case) replacing the value in place, as a held node response and a Fastify
 * reply do. A prepared RAM hit runs the engine's replay steps on one of these once, and sends the
 * flat list it gives (`flat()`) for every hit until the clock moves the replayed Age or Expires.
 *
 * `inherited` is what the answer's target already carries, for the steps that read before they
 * write (Cache-Status appends to an existing value).
 */
export class RecordedHeaders implements CacheResponse {
  status = 200;
  readonly #names: string[] = [];
  readonly #keys: string[] = [];
  readonly #values: (string | readonly string[])[] = [];
  readonly #inherited: ReadonlyMap<string, string> | undefined;

  constructor(inherited?: ReadonlyMap<string, string>) {
    this.#inherited = inherited;
  }

  getHeader(name: string): string | undefined {
    const key = name.toLowerCase();
    const at = this.#keys.indexOf(key);
    if (at < 0) return this.#inherited?.get(key);
    const value = this.#values[at] as string | readonly string[];
    return typeof value === 'string' ? value : value.join(', ');
  }

  setHeader(name: string, value: string | readonly string[]): void {
    const key = name.toLowerCase();
    const held = typeof value === 'string' ? value : [...value];
    const at = this.#keys.indexOf(key);
    if (at >= 0) {
      this.#names[at] = name;
      this.#values[at] = held;
    } else {
      this.#names.push(name);
      this.#keys.push(key);
      this.#values.push(held);
    }
  }

  removeHeader(name: string): void {
    const at = this.#keys.indexOf(name.toLowerCase());
    if (at < 0) return;
    this.#names.splice(at, 1);
    this.#keys.splice(at, 1);
    this.#values.splice(at, 1);
  }

  headerNames(): readonly string[] {
    return [...this.#keys];
  }

  /** `[name, value, ...]`, a list value one line each. */
  flat(): string[] {
    const flat: string[] = [];
    for (let i = 0; i < this.#names.length; i += 1) {
      const name = this.#names[i] as string;
      const value = this.#values[i] as string | readonly string[];
      if (typeof value === 'string') flat.push(name, value);
      else for (const line of value) flat.push(name, line);
    }
    return flat;
  }
}
