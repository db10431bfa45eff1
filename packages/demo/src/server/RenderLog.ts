/**
 * How many times each URL path was rendered by a view in this process (an answer from a cache is
 * not a render). The end-to-end tests read it to tell a cache hit from a fresh rendering.
 */
export class RenderLog {
  readonly #counts = new Map<string, number>();

  note(path: string): void {
    this.#counts.set(path, (this.#counts.get(path) ?? 0) + 1);
  }

  count(path: string): number {
    return this.#counts.get(path) ?? 0;
  }
}
