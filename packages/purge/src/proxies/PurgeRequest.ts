/** One HTTP request to one proxy, ready for the wire. */
export interface PurgeRequest {
  /** What it invalidates: a path (relative or absolute), a group of tags, or a BAN expression. */
  readonly type: 'path' | 'tags' | 'ban';
  readonly method: string;
  /** The request target: the proxy's prefix and the percent-encoded path. */
  readonly path: string;
  /** The Host header: a public domain, or the proxy's own host. */
  readonly host: string;
  /** Every other header, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** For people: the path, the tags, or the expression. */
  readonly target: string;
  /** Equal for requests with the same effect: a waiting duplicate is merged instead of queued twice. */
  readonly signature: string;
}

export function requestSignature(
  method: string,
  host: string,
  path: string,
  headers: Readonly<Record<string, string>>,
): string {
  let signature = `${method} ${host} ${path}`;
  for (const name of Object.keys(headers).sort()) signature += `\n${name}: ${headers[name] ?? ''}`;
  return signature;
}
