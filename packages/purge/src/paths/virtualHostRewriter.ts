import type { PublicDomain } from '../config/parseDomain.js';

/** Settings of the VirtualHostBase rewriter, validated at start-up. */
export interface VhmSettings {
  /** The site's path in the backend without a trailing slash; '' for the backend root. */
  readonly root: string;
  /** `/_vh_a/_vh_b` for inside-out hosting under `/a/b`; '' otherwise. */
  readonly prefix: string;
  readonly domains: readonly PublicDomain[];
}

/** `/plone/` → `/plone`, `/` and '' → '' (the application root), `plone` → `/plone`. */
export function normalizeVhmRoot(root: string): string {
  const trimmed = root.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** `foo/bar` or `/foo/bar/` → `/_vh_foo/_vh_bar`; '' → ''. */
export function vhmInsideOutPrefix(prefix: string): string {
  return prefix
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => `/_vh_${segment}`)
    .join('');
}

/**
 * plone.cachepurging's `DefaultRewriter` (CP-8), with the domains always taken from configuration:
 * one `/VirtualHostBase/<scheme>/<host><root>/VirtualHostRoot<prefix><path>` per domain, in domain
 * order. A non-empty path gets a leading slash; the empty path stays empty (it purges the root
 * without a trailing slash). The port stays exactly as configured.
 */
export function rewriteForVhm(path: string, settings: VhmSettings): string[] {
  const p = path === '' || path.startsWith('/') ? path : `/${path}`;
  return settings.domains.map(
    (d) => `/VirtualHostBase/${d.scheme}/${d.authority}${settings.root}/VirtualHostRoot${settings.prefix}${p}`,
  );
}
