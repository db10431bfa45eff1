import { ADMIN_PATH } from './siteAdmin.js';
import { sitePolicyPath } from './sitePolicyFile.js';
import type { RunningSite } from './startSite.js';

/** What `npm start` prints: where the site is, where its data lives, how to log in, what caches it. */
export function describeSite(running: RunningSite): string {
  const { site, url } = running;
  const { settings, token } = site;
  const layers = [
    settings.redisClusterNodes !== undefined
      ? `RAM cache with the Redis tier on the cluster ${settings.redisClusterNodes.join(', ')}`
      : settings.redisUrl === undefined
        ? 'RAM cache in this process'
        : `RAM cache with the Redis tier at ${settings.redisUrl}`,
    'HTTP headers and 304s',
    `disk dump for nginx in ${settings.dumpRoot}`,
    settings.purgeProxies.length === 0
      ? 'no proxies to purge'
      : `purging ${settings.purgeProxies.map((proxy) => `${proxy.url} (${proxy.kind})`).join(', ')}`,
  ];
  const tokenLine =
    token.from === 'DEMO_EDITOR_TOKEN'
      ? 'editor token:  from DEMO_EDITOR_TOKEN'
      : `editor token:  ${token.token}  (${token.generated ? 'new, kept' : 'kept'} in ${token.from})`;
  const admin = site.admin.token;
  const adminLine =
    admin.from === 'CACHESET_ADMIN_TOKEN'
      ? 'admin token:   from CACHESET_ADMIN_TOKEN'
      : `admin token:   ${admin.token}  (${admin.generated ? 'new, kept' : 'kept'} in ${admin.from})`;
  const seeded = running.seeded > 0 ? `, seeded with ${running.seeded} images` : '';
  return [
    `cacheset gallery is running at ${url}`,
    `  data:          ${settings.dataDir} (SQLite gallery.sqlite${seeded})`,
    `  ${tokenLine}`,
    `  log in at:     ${url}login`,
    `  caching admin: ${url}${ADMIN_PATH.slice(1)}`,
    `  ${adminLine}`,
    `  policy:        ${sitePolicyPath(settings.dataDir)} (the control panel saves its edits there)`,
    `  caching:       ${layers.join('; ')}`,
    'Press Ctrl-C to stop.',
  ].join('\n');
}
