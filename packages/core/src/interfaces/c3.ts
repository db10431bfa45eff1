/**
 * C3 linearization with redundant bases pruned first: a base already in the resolution order of another
 * base adds nothing and is dropped, so `@implementer(IBase)` on a class whose parent implements a
 * descendant of IBase is harmless. Returns undefined when no consistent order exists.
 *
 * @param orderOf the (already linearized) resolution order of each base, starting with the base itself
 */
export function linearize<T>(bases: readonly T[], orderOf: (base: T) => readonly T[]): T[] | undefined {
  const unique = [...new Set(bases)];
  const orders = unique.map(orderOf);
  const kept: T[] = [];
  const keptOrders: (readonly T[])[] = [];
  unique.forEach((base, i) => {
    const redundant = orders.some((order, j) => j !== i && order.includes(base));
    if (!redundant) {
      kept.push(base);
      keptOrders.push(orders[i] ?? [base]);
    }
  });
  return merge([...keptOrders.map((order) => [...order]), [...kept]]);
}

function merge<T>(sequences: T[][]): T[] | undefined {
  const result: T[] = [];
  const seqs = sequences.filter((s) => s.length > 0);
  while (seqs.length > 0) {
    let candidate: T | undefined;
    let found = false;
    for (const seq of seqs) {
      const head = seq[0] as T;
      if (!seqs.some((other) => other.indexOf(head) > 0)) {
        candidate = head;
        found = true;
        break;
      }
    }
    if (!found) return undefined;
    result.push(candidate as T);
    for (let i = seqs.length - 1; i >= 0; i -= 1) {
      const seq = seqs[i] as T[];
      if (seq[0] === candidate) seq.shift();
      if (seq.length === 0) seqs.splice(i, 1);
    }
  }
  return result;
}
