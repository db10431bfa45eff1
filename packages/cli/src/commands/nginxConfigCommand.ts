import { CachesetError } from '@cacheset/core';
import {
  apacheConfig,
  DEFAULT_CONTENT_TYPES,
  nginxConfig,
  type ContentTypeEntry,
  type ServerConfigOptions,
} from '@cacheset/fs';
import type { Command } from 'commander';
import type { CliIo } from '../CliIo.js';
import { usageError } from '../errors/cliErrorCodes.js';
import type { Runner } from '../program.js';

/** `--json` shape of nginx-config and apache-config. */
export interface ServerConfigJson {
  readonly server: 'nginx' | 'apache';
  readonly config: string;
}

interface RawOptions {
  root?: string;
  app?: string;
  listen?: string;
  serverName?: string;
  indexName?: string;
  types?: string;
  queryVariants?: boolean;
  bypassCookie: string[];
  cacheControl?: string;
  gzip?: boolean;
  brotli?: boolean;
  name?: string;
  disableSymlinks?: boolean;
}

const KNOWN_TYPES = DEFAULT_CONTENT_TYPES.map((e) => e.extension);

function typesFrom(list: string): readonly ContentTypeEntry[] {
  const wanted = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (wanted.length === 0) throw usageError('--types needs at least one extension');
  return wanted.map((extension) => {
    const entry = DEFAULT_CONTENT_TYPES.find((e) => e.extension === extension);
    if (entry === undefined) throw usageError(`--types: unknown type '${extension}'; known: ${KNOWN_TYPES.join(', ')}`);
    return entry;
  });
}

function optionsFrom(v: RawOptions): ServerConfigOptions {
  if (v.root === undefined) throw usageError('--root is required: the document root the cache writes to');
  if (v.app === undefined) throw usageError('--app is required: the address of the application');
  return {
    root: v.root,
    app: v.app,
    ...(v.listen === undefined ? {} : { listen: v.listen }),
    ...(v.serverName === undefined ? {} : { serverName: v.serverName }),
    ...(v.indexName === undefined ? {} : { indexName: v.indexName }),
    ...(v.types === undefined ? {} : { contentTypes: typesFrom(v.types) }),
    ...(v.queryVariants === true ? { queryVariants: true } : {}),
    ...(v.bypassCookie.length === 0 ? {} : { bypassCookies: v.bypassCookie }),
    ...(v.cacheControl === undefined ? {} : { cacheControl: v.cacheControl }),
    ...(v.gzip === true ? { gzip: true } : {}),
    ...(v.brotli === true ? { brotli: true } : {}),
    ...(v.name === undefined ? {} : { name: v.name }),
    ...(v.disableSymlinks === true ? { disableSymlinks: true } : {}),
  };
}

// The generators' own option errors (a relative root, a bad address) are usage errors here.
function generate(server: 'nginx' | 'apache', raw: RawOptions): string {
  const options = optionsFrom(raw);
  try {
    return server === 'nginx' ? nginxConfig(options) : apacheConfig(options);
  } catch (error) {
    if (CachesetError.is(error)) throw usageError(error.message);
    throw error;
  }
}

function serverCommand(program: Command, io: CliIo, runner: Runner, server: 'nginx' | 'apache'): void {
  const command = program
    .command(`${server}-config`)
    .description(
      server === 'nginx'
        ? 'print the nginx configuration (upstream, maps, server block) that serves the disk cache first'
        : 'print the equivalent Apache mod_rewrite configuration for the disk cache',
    )
    .option('--root <dir>', 'the document root the cache writes to (absolute path) [required]')
    .option(
      '--app <address>',
      'the application: http://127.0.0.1:3000, 127.0.0.1:3000 or unix:/run/app.sock [required]',
    )
    .option('--server-name <names>', 'server_name / ServerName')
    .option('--index-name <name>', 'directory index file name (default index)')
    .option('--types <ext,...>', `content types the cache keeps, from ${KNOWN_TYPES.join(',')} (default: all)`)
    .option('--query-variants', "look up kept query variants (the operation's queryParameters)")
    .option(
      '--bypass-cookie <name>',
      'a session cookie whose requests always reach the app (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--cache-control <value>', 'Cache-Control sent with static copies (default no-cache)');
  if (server === 'nginx') {
    command
      .option('--listen <port|addr:port>', 'nginx listen (default 80)')
      .option('--gzip', 'gzip_static on (the cache writes .gz siblings)')
      .option('--brotli', 'brotli_static on (needs the ngx_brotli module)')
      .option('--name <prefix>', 'prefix of the generated nginx names (default cacheset)')
      .option('--disable-symlinks', 'nginx never serves through a symbolic link in the root');
  }
  command
    .addHelpText(
      'after',
      `
Example:
  $ cacheset ${server}-config --root /var/cache/mysite --app 127.0.0.1:3000${server === 'nginx' ? ' --gzip' : ''} > /etc/${server}/conf.d/mysite.conf`,
    )
    .action(async (options: RawOptions, self: Command) =>
      runner(self, async () => {
        const config = generate(server, options);
        const json: ServerConfigJson = { server, config };
        return { json, text: config };
      }),
    );
  void io;
}

export function registerNginxConfig(program: Command, io: CliIo, runner: Runner): void {
  serverCommand(program, io, runner, 'nginx');
  serverCommand(program, io, runner, 'apache');
}
