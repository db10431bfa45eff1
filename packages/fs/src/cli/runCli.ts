import { parseArgs } from 'node:util';
import { CachesetError } from '@cacheset/core';
import { DEFAULT_CONTENT_TYPES, type ContentTypeEntry } from '../contentTypes/ContentTypeEntry.js';
import { FsErrorCodes, fsError } from '../errors/fsErrorCodes.js';
import { apacheConfig } from '../serverConfig/apacheConfig.js';
import { nginxConfig } from '../serverConfig/nginxConfig.js';
import type { ServerConfigOptions } from '../serverConfig/ServerConfigOptions.js';

export interface CliOutput {
  write(text: string): unknown;
}

export const CLI_USAGE = `Usage: cacheset-fs <command> [options]

Commands:
  nginx    print the nginx configuration (upstream, maps, server block) for a document root
  apache   print the equivalent Apache mod_rewrite configuration
  help     print this help

Options (nginx and apache):
  --root <dir>            the document root the cache writes to (absolute path)        [required]
  --app <address>         the application: http://127.0.0.1:3000, 127.0.0.1:3000,
                          or unix:/run/app.sock                                         [required]
  --listen <port|addr:port>   nginx listen (default 80)
  --server-name <names>   server_name / ServerName
  --index-name <name>     directory index file name (default index)
  --types <ext,...>       content types the cache keeps, from: ${DEFAULT_CONTENT_TYPES.map((e) => e.extension).join(',')}
                          (default: all, in that order)
  --query-variants        look up kept query variants (the operation's queryParameters)
  --bypass-cookie <name>  a session cookie whose requests always reach the app (repeatable)
  --cache-control <value> Cache-Control sent with static copies (default no-cache)
  --gzip                  gzip_static on (the cache writes .gz siblings)
  --brotli                brotli_static on (needs the ngx_brotli module)
  --name <prefix>         prefix of the generated nginx names (default cacheset)
  --disable-symlinks      nginx never serves through a symbolic link in the root
                          (six more system calls per hit; the cache never writes through one anyway)

Example:
  cacheset-fs nginx --root /var/cache/mysite --app 127.0.0.1:3000 --gzip > /etc/nginx/conf.d/mysite.conf
`;

function usage(message: string): CachesetError {
  return fsError(FsErrorCodes.INVALID_CLI_USAGE, `${message}\nRun 'cacheset-fs help' for usage.`, message);
}

function typesFrom(list: string): readonly ContentTypeEntry[] {
  const wanted = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (wanted.length === 0) throw usage('--types needs at least one extension.');
  return wanted.map((extension) => {
    const entry = DEFAULT_CONTENT_TYPES.find((e) => e.extension === extension);
    if (entry === undefined)
      throw usage(
        `--types: unknown type '${extension}'; known: ${DEFAULT_CONTENT_TYPES.map((e) => e.extension).join(', ')}.`,
      );
    return entry;
  });
}

function optionsFrom(args: readonly string[]): ServerConfigOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        root: { type: 'string' },
        app: { type: 'string' },
        listen: { type: 'string' },
        'server-name': { type: 'string' },
        'index-name': { type: 'string' },
        types: { type: 'string' },
        'query-variants': { type: 'boolean' },
        'bypass-cookie': { type: 'string', multiple: true },
        'cache-control': { type: 'string' },
        gzip: { type: 'boolean' },
        brotli: { type: 'boolean' },
        name: { type: 'string' },
        'disable-symlinks': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw usage(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  if (v.root === undefined) throw usage('--root is required: the document root the cache writes to.');
  if (v.app === undefined) throw usage('--app is required: the address of the application.');
  return {
    root: v.root,
    app: v.app,
    ...(v.listen === undefined ? {} : { listen: v.listen }),
    ...(v['server-name'] === undefined ? {} : { serverName: v['server-name'] }),
    ...(v['index-name'] === undefined ? {} : { indexName: v['index-name'] }),
    ...(v.types === undefined ? {} : { contentTypes: typesFrom(v.types) }),
    ...(v['query-variants'] === true ? { queryVariants: true } : {}),
    ...(v['bypass-cookie'] === undefined ? {} : { bypassCookies: v['bypass-cookie'] }),
    ...(v['cache-control'] === undefined ? {} : { cacheControl: v['cache-control'] }),
    ...(v.gzip === true ? { gzip: true } : {}),
    ...(v.brotli === true ? { brotli: true } : {}),
    ...(v.name === undefined ? {} : { name: v.name }),
    ...(v['disable-symlinks'] === true ? { disableSymlinks: true } : {}),
  };
}

/**
 * The `cacheset-fs` command line: prints server configurations. Returns the exit status: 0, or 2 for
 * a usage or configuration error (the message goes to `stderr`).
 */
export function runCli(
  argv: readonly string[],
  io: { readonly stdout: CliOutput; readonly stderr: CliOutput },
): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'nginx':
        io.stdout.write(nginxConfig(optionsFrom(rest)));
        return 0;
      case 'apache':
        io.stdout.write(apacheConfig(optionsFrom(rest)));
        return 0;
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(CLI_USAGE);
        return 0;
      case undefined:
        throw usage('No command given.');
      default:
        throw usage(`Unknown command '${command}'; commands are nginx, apache and help.`);
    }
  } catch (error) {
    if (!CachesetError.is(error)) throw error;
    io.stderr.write(`cacheset-fs: ${error.message} [${error.code}]\n`);
    return 2;
  }
}
