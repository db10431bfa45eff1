/**
 * The header pairs a replaying baseline sends: the JSON argument after the port. Their `Age` and
 * `Expires` are kept fresh, once a second, as the RAM hit keeps them (the same work a careful
 * hand-written server would do), so the baseline sends the same bytes as the candidate each second.
 */
export function replayArgument(): [string, string][] {
  const pairs = JSON.parse(process.argv[3] ?? '[]') as unknown;
  if (!Array.isArray(pairs) || pairs.length === 0)
    throw new Error(`usage: node ${process.argv[1] ?? 'server.js'} <port> <headers JSON: [[name, value], ...]>`);
  return pairs as [string, string][];
}

/** A flat header array with `Age` and `Expires` moved on with the clock, rebuilt once a second. */
export function freshReplayHeaders(pairs: readonly [string, string][]): () => string[] {
  const started = Math.floor(Date.now() / 1000);
  const flat = pairs.flat();
  const ageAt = flat.findIndex((v, i) => i % 2 === 0 && v.toLowerCase() === 'age');
  const expiresAt = flat.findIndex((v, i) => i % 2 === 0 && v.toLowerCase() === 'expires');
  const age = ageAt < 0 ? 0 : Number(flat[ageAt + 1]);
  const expires = expiresAt < 0 ? 0 : Date.parse(flat[expiresAt + 1] ?? '');
  let second = started;
  return () => {
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) {
      second = now;
      if (ageAt >= 0) flat[ageAt + 1] = String(age + now - started);
      if (expiresAt >= 0) flat[expiresAt + 1] = new Date(expires + (now - started) * 1000).toUTCString();
    }
    return flat;
  };
}
