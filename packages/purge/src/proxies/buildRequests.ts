import type { ResolvedProxy, ResolvedVirtualHosting } from '../config/resolveOptions.js';
import type { QueuedPurges } from '../queue/PurgeBatch.js';
import { requestSignature, type PurgeRequest } from './PurgeRequest.js';
import { splitTags } from './splitTags.js';

/** The requests one proxy gets for a batch, and what it cannot be sent. */
export interface BuiltRequests {
  readonly requests: readonly PurgeRequest[];
  /** Tag or BAN invalidations the proxy kind cannot carry (counted as `unsupported`). */
  readonly unsupported: readonly { readonly type: 'tags' | 'ban'; readonly target: string }[];
  /** Tags longer than the proxy's header limit on their own (counted as failed). */
  readonly oversizedTags: readonly string[];
}

/** The header Varnish's shipped VCL reads to soft-purge a URL with vmod purge. */
export const SOFT_PURGE_HEADER = 'x-cacheset-soft-purge';
/** The header Varnish's shipped VCL reads the BAN expression from. */
export const BAN_HEADER = 'x-ban-url';

function make(
  proxy: ResolvedProxy,
  type: PurgeRequest['type'],
  method: string,
  path: string,
  host: string,
  extra: Readonly<Record<string, string>>,
  target: string,
): PurgeRequest {
  const headers = { ...proxy.headers, ...extra };
  return { type, method, path, host, headers, target, signature: requestSignature(method, host, path, headers) };
}

/**
 * Turns a batch into requests for one proxy:
 * - relative paths: once per public host (public-host mode: each domain's Host header; without
 *   domains, or in vhm mode where the host is inside the rewritten path, the proxy's own host);
 * - absolute paths: once, with the proxy's own host, as they are;
 * - tags: split under the proxy's header limit, one request per group;
 * - BANs: once per public host, because the shipped VCL bans within the request's host.
 * Every path gets the proxy URL's prefix (SCM-15).
 */
export function buildRequests(
  proxy: ResolvedProxy,
  batch: QueuedPurges,
  hosting: ResolvedVirtualHosting,
): BuiltRequests {
  const { address } = proxy;
  const ownHost = address.hostHeader;
  const publicHosts =
    address.absoluteForm || hosting.mode === 'vhm' || hosting.domains.length === 0
      ? [ownHost]
      : [...new Set(hosting.domains.map((d) => d.hostHeader))];
  const requests: PurgeRequest[] = [];
  const pathHeaders: Readonly<Record<string, string>> = proxy.softPurge ? { [SOFT_PURGE_HEADER]: '1' } : {};
  for (const path of batch.paths) {
    for (const host of publicHosts)
      requests.push(make(proxy, 'path', proxy.purgeMethod, address.prefix + path, host, pathHeaders, path));
  }
  for (const path of batch.absolutePaths)
    requests.push(make(proxy, 'path', proxy.purgeMethod, address.prefix + path, ownHost, pathHeaders, path));
  const unsupported: { type: 'tags' | 'ban'; target: string }[] = [];
  let oversizedTags: readonly string[] = [];
  if (batch.tags.length > 0) {
    if (proxy.tags === undefined) {
      unsupported.push({ type: 'tags', target: batch.tags.join(' ') });
    } else {
      const { header, method, separator } = proxy.tags;
      const split = splitTags(batch.tags, separator, proxy.maxHeaderBytes);
      oversizedTags = split.oversized;
      for (const group of split.groups) {
        const value = group.join(separator);
        requests.push(make(proxy, 'tags', method, `${address.prefix}/`, ownHost, { [header]: value }, value));
      }
    }
  }
  for (const expression of batch.bans) {
    if (!proxy.ban) {
      unsupported.push({ type: 'ban', target: expression });
      continue;
    }
    for (const host of publicHosts)
      requests.push(make(proxy, 'ban', 'BAN', `${address.prefix}/`, host, { [BAN_HEADER]: expression }, expression));
  }
  return { requests, unsupported, oversizedTags };
}
