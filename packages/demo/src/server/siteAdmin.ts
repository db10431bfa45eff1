import { adminToken, createAdmin, type AdminTokenSource, type CachesetAdmin } from '@cacheset/admin';
import type { CachesetLogger } from '@cacheset/core';
import type { CachingStack } from '../caching/createCachingStack.js';
import type { DemoSettings } from '../config/DemoSettings.js';
import type { EditorTokenSource } from './editorToken.js';

/** Where the gallery mounts its control panel. */
export const ADMIN_PATH = '/_cacheset/';

export interface SiteAdmin {
  readonly admin: CachesetAdmin;
  readonly token: AdminTokenSource;
}

/**
 * The gallery's caching control panel: every layer of its stack, the policy file it runs on, and
 * the editor as the logged-in user that "explain a URL" can ask as (with the editor token as a
 * bearer token, which the site treats like the editor's session).
 */
export function siteAdmin(
  settings: DemoSettings,
  stack: CachingStack,
  options: { readonly policyFile: string; readonly editor: EditorTokenSource; readonly logger: CachesetLogger },
): SiteAdmin {
  const token = adminToken(settings.dataDir, settings.adminToken);
  const admin = createAdmin({
    caching: stack.caching,
    token: token.token,
    mountPath: ADMIN_PATH,
    ram: stack.ram,
    disk: stack.dump,
    ...(stack.purger === undefined ? {} : { purger: stack.purger }),
    policyFile: options.policyFile,
    users: {
      editor: {
        title: 'the editor (logged in)',
        headers: () => ({ authorization: `Bearer ${options.editor.token}` }),
      },
    },
    title: 'Gallery',
    logger: options.logger,
  });
  return { admin, token };
}
