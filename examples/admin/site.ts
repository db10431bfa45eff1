// The application the mount examples share: one page with a ruleset, its policy, a RAM cache, and
// the control panel over them. The admin token comes from the environment or the data folder.
import { tmpdir } from 'node:os';
import { adminToken, createAdmin, type CachesetAdmin } from '@cacheset/admin';
import { cacheRuleset, RulesetRegistry } from '@cacheset/core';
import { createHttpCaching, type HttpCaching } from '@cacheset/http';
import { RamCacheManager } from '@cacheset/ram';

@cacheRuleset('site.gallery')
export class GalleryView {}

export interface Site {
  readonly caching: HttpCaching;
  readonly ram: RamCacheManager;
  readonly admin: CachesetAdmin;
  readonly token: string;
}

export function createSite(): Site {
  const ram = new RamCacheManager({ maxBytes: '16MB' });
  const caching = createHttpCaching({
    rulesets: new RulesetRegistry(),
    responseCache: ram,
    policy: {
      operationMapping: { 'site.gallery': 'moderateCaching' },
      operations: { moderateCaching: { options: { smaxage: '1h', ramCache: true } } },
    },
  });
  // CACHESET_ADMIN_TOKEN, else the token kept in (or generated into) the data folder, mode 0600.
  const { token } = adminToken(tmpdir(), process.env.CACHESET_ADMIN_TOKEN);
  const admin = createAdmin({ caching, token, ram, mountPath: '/_cacheset/' });
  return { caching, ram, admin, token };
}
