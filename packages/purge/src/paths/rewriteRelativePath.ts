import type { ResolvedVirtualHosting } from '../config/resolveOptions.js';
import { encodePath } from './encodePath.js';
import { rewriteForVhm } from './virtualHostRewriter.js';

/**
 * The wire forms of one relative path: in public-host mode the path itself (the public host travels
 * in the Host header); in vhm mode one VirtualHostBase path per domain. Percent-encoded.
 */
export function rewriteRelativePath(path: string, hosting: ResolvedVirtualHosting): string[] {
  if (hosting.mode === 'vhm') return rewriteForVhm(path, hosting).map(encodePath);
  return [encodePath(path)];
}
