import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { describe, it } from 'vitest';

const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** The absolute path of an executable on PATH (or in the sbin directories), or undefined. */
export function findBinary(name: string): string | undefined {
  // An absolute path names a file that must exist (an nginx module, for example).
  if (isAbsolute(name)) {
    try {
      accessSync(name, constants.R_OK);
      return name;
    } catch {
      return undefined;
    }
  }
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** ngx_cache_purge as Debian installs it (libnginx-mod-http-cache-purge). */
export const NGINX_CACHE_PURGE_MODULE = '/usr/lib/nginx/modules/ngx_http_cache_purge_module.so';

export function inCI(): boolean {
  const value = process.env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** Debian packages that provide each binary, for the message. */
const PACKAGES: Readonly<Record<string, string>> = {
  varnishd: 'varnish varnish-modules',
  varnishadm: 'varnish',
  nginx: 'nginx',
  'redis-server': 'redis-server',
  'redis-cli': 'redis-tools',
  chromium: 'chromium',
  [NGINX_CACHE_PURGE_MODULE]: 'libnginx-mod-http-cache-purge',
};

/**
 * A describe block for tests that need real server binaries. When one is missing, the block is
 * skipped with a loud message on a developer's machine, and fails in CI (CI=true), where .ci/run
 * must have installed it.
 */
export function describeWithServers(title: string, binaries: readonly string[], body: () => void): void {
  const missing = binaries.filter((b) => findBinary(b) === undefined);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const install = [...new Set(missing.map((b) => PACKAGES[b] ?? b))].join(' ');
  const message = `${title}: missing server binaries ${missing.join(', ')}; install them with: apt-get install -y ${install}`;
  if (inCI()) {
    describe(title, () => {
      it('has the server binaries it needs', () => {
        throw new Error(`${message} (CI=true: a missing binary is a failure, not a skip)`);
      });
    });
    return;
  }
  const line = '!'.repeat(Math.min(100, message.length + 8));
  console.warn(`\n${line}\n!!! SKIPPED ${message}\n${line}\n`);
  describe.skip(title, body);
}
