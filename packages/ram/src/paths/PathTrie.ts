/**
 * Collections are made on first use: most nodes are leaves with one item, and a site has many. The
 * items are an array, not a Set: a path holds very few (the store files at most one group per kind),
 * and a Set costs about 150 bytes of heap per node where a one-item array costs about 30.
 */
interface Node<T> {
  readonly parent: Node<T> | undefined;
  readonly segment: string;
  children: Map<string, Node<T>> | undefined;
  items: T[] | undefined;
}

function node<T>(parent: Node<T> | undefined, segment: string): Node<T> {
  return { parent, segment, children: undefined, items: undefined };
}

/** Calls `visit` with each segment of a canonical path, without splitting it into an array. */
function eachSegment(canonical: string, visit: (segment: string) => boolean): void {
  let start = 1;
  while (start <= canonical.length && canonical.length > 0) {
    const end = canonical.indexOf('/', start);
    const stop = end < 0 ? canonical.length : end;
    if (!visit(canonical.slice(start, stop))) return;
    start = stop + 1;
  }
}

const empty = (n: Node<unknown>): boolean =>
  (n.items === undefined || n.items.length === 0) && (n.children === undefined || n.children.size === 0);

/**
 * Items filed under canonical paths, so that invalidating `/a` visits only what lies under `/a`, and
 * invalidating the page `/a` only what lies at it (a scan of every entry per purge would make a purge
 * storm quadratic). Empty nodes are pruned.
 */
export class PathTrie<T> {
  readonly #root: Node<T> = node<T>(undefined, '');

  add(canonical: string, item: T): void {
    let current = this.#root;
    eachSegment(canonical, (segment) => {
      current.children ??= new Map();
      let next = current.children.get(segment);
      if (next === undefined) current.children.set(segment, (next = node(current, segment)));
      current = next;
      return true;
    });
    const items = current.items;
    // A literal of one: a first push onto an empty array would reserve room for sixteen.
    if (items === undefined) current.items = [item];
    else if (!items.includes(item)) items.push(item);
  }

  #find(canonical: string): Node<T> | undefined {
    let current: Node<T> | undefined = this.#root;
    eachSegment(canonical, (segment) => {
      current = current?.children?.get(segment);
      return current !== undefined;
    });
    return current;
  }

  remove(canonical: string, item: T): void {
    let current = this.#find(canonical);
    if (current === undefined) return;
    const items = current.items;
    const at = items === undefined ? -1 : items.indexOf(item);
    if (at >= 0) (items as T[]).splice(at, 1);
    while (current.parent !== undefined && empty(current)) {
      current.parent.children?.delete(current.segment);
      current = current.parent;
    }
  }

  /** Every item at exactly `canonical`, none under it. */
  at(canonical: string): T[] {
    const items = this.#find(canonical)?.items;
    return items === undefined ? [] : [...items];
  }

  /** Every item at `canonical` or under it. */
  under(canonical: string): T[] {
    const current = this.#find(canonical);
    if (current === undefined) return [];
    const found: T[] = [];
    const stack: Node<T>[] = [current];
    while (stack.length > 0) {
      const next = stack.pop() as Node<T>;
      if (next.items !== undefined) for (const item of next.items) found.push(item);
      if (next.children !== undefined) for (const child of next.children.values()) stack.push(child);
    }
    return found;
  }

  clear(): void {
    this.#root.children = undefined;
    this.#root.items = undefined;
  }
}
