import { servedContentType } from '../contentTypes/ContentTypeEntry.js';
import { QUERY_MARKER } from '../paths/CacheLocation.js';
import { SERVABLE_QUERY_PATTERN } from '../paths/canonicalQuery.js';
import {
  escapeRegExp,
  resolveServerConfig,
  type ResolvedServerConfig,
  type ServerConfigOptions,
} from './ServerConfigOptions.js';

/**
 * One regular expression per map: a request served from a file is tested against every pattern of
 * each map, so fewer patterns mean less work per hit.
 *
 * Raw request URIs that nginx would normalize into another page's file while the application sees
 * them raw go to the application (which refuses to write them), so no copy is ever served under a
 * second name: encoded separators, dots, `?` and NUL, `//`, and dot segments.
 */
const RAW_URI_BYPASS = '"~*%(2f|5c|2e|3f|00)|^[^?]*(//|/\\.\\.?(/|\\?|$))"';

/** A stem no page ever has (the cache never writes dot names): bypassed requests find no file. */
const NO_FILE = '/.cacheset-bypass';

function upstream(c: ResolvedServerConfig): string {
  const server = c.app.kind === 'unix' ? `unix:${c.app.path}` : `${c.app.host}:${c.app.port}`;
  return `upstream ${c.name}_app {\n    server ${server};\n    keepalive 16;\n}`;
}

function maps(c: ResolvedServerConfig): string {
  const n = c.name;
  const blocks: string[] = [];
  blocks.push(`# Only GET and HEAD may be answered from a file.
map $request_method $${n}_bypass_method {
    default 1;
    GET 0;
    HEAD 0;
}`);
  blocks.push(`# Requests with credentials are the application's to answer.
map $http_authorization $${n}_bypass_auth {
    default 1;
    "" $${n}_bypass_method;
}`);
  let previous = `${n}_bypass_auth`;
  if (c.bypassCookies.length > 0) {
    blocks.push(`# A logged-in visitor (session cookie) always reaches the application.
map $http_cookie $${n}_bypass_cookie {
    default $${previous};
    "~(^|;)\\s*(${c.bypassCookies.map(escapeRegExp).join('|')})=" 1;
}`);
    previous = `${n}_bypass_cookie`;
  }
  blocks.push(
    c.queryVariants
      ? `# A query is looked up only in the canonical form the cache writes; anything else goes to the app.
map $args $${n}_bypass_args {
    default 1;
    "" $${previous};
    "~${SERVABLE_QUERY_PATTERN}" $${previous};
}`
      : `# Pages are written without a query string only: any query goes to the application.
map $args $${n}_bypass_args {
    default 1;
    "" $${previous};
}`,
  );
  blocks.push(`# Names the cache never writes: dot names (its temporary files), the query marker, the index name.
map $uri $${n}_bypass_uri {
    default $${n}_bypass_args;
    "~(^|/)\\.|${QUERY_MARKER}|/${c.indexName}$" 1;
}`);
  blocks.push(`# Raw URIs that nginx would normalize differently from the application.
map $request_uri $${n}_bypass {
    default $${n}_bypass_uri;
    ${RAW_URI_BYPASS} 1;
}`);
  blocks.push(`# A trailing slash is the directory index: /a/ -> a/${c.indexName}.<ext>.
map $uri $${n}_index {
    default "";
    "~/$" "${c.indexName}";
}`);
  if (c.queryVariants) {
    blocks.push(`# A kept query variant: /a?page=2 -> a${QUERY_MARKER}page=2.<ext>.
map $args $${n}_query {
    default "";
    "~${SERVABLE_QUERY_PATTERN}" "${QUERY_MARKER}$args";
}`);
  }
  blocks.push(`# The page's file name without its extension, from the request as it arrived (map values are
# computed once per request); a bypassed request gets a name that never exists.
map $${n}_bypass $${n}_file {
    default "${NO_FILE}";
    0 "$uri$${n}_index${c.queryVariants ? `$${n}_query` : ''}";
}`);
  return blocks.join('\n\n');
}

function fileSettings(c: ResolvedServerConfig, indent: string): string {
  const types = c.table.entries.map((e) => `${indent}    "${servedContentType(e)}" ${e.extension};`).join('\n');
  const lines = [
    `${indent}# The content type travels in the file name; each extension maps back to exactly one type.`,
    `${indent}types {\n${types}\n${indent}}`,
    `${indent}default_type application/octet-stream;`,
    ...(c.gzip ? [`${indent}gzip_static on;`, `${indent}gzip_vary on;`] : []),
    ...(c.brotli
      ? [
          `${indent}# brotli_static needs the ngx_brotli module (not in Debian's nginx package).`,
          `${indent}brotli_static on;`,
        ]
      : []),
    `${indent}add_header Cache-Control "${c.cacheControl}";`,
    `${indent}log_not_found off;`,
  ];
  return lines.join('\n');
}

function server(c: ResolvedServerConfig): string {
  const n = c.name;
  const [first, ...rest] = c.table.entries;
  const app = `@${n}_app`;
  const more = rest.length > 0 ? `@${n}_more` : app;
  const indent = '        ';
  const moreLocation =
    rest.length === 0
      ? ''
      : `
    # The other types, in order; then the application.
    location ${more} {
        # A page purged between the check and the open is a miss, not an error.
        recursive_error_pages on;
        error_page 403 404 405 = ${app};
${fileSettings(c, indent)}
        try_files ${rest.map((e) => `$${n}_file.${e.extension}`).join(' ')} ${app};
    }
`;
  return `server {
    listen ${c.listen};
    server_name ${c.serverName ?? '_'};
    root "${c.root}";
${c.disableSymlinks ? '    # Never serve through a symbolic link planted inside the document root.\n    disable_symlinks on from=$document_root;\n' : ''}
    # The first type is opened directly (no try_files stat): a hit costs what plain static costs.
    # Not found (another type, a miss, a bypassed request), or a method static files refuse: next.
    location / {
        error_page 404 405 = ${more};
        error_page 403 = ${app};
${fileSettings(c, indent)}
        rewrite ^ "$${n}_file.${(first as { extension: string }).extension}" break;
    }
${moreLocation}
    # The request goes to the application exactly as it arrived ($request_uri), not as rewritten.
    location ${app} {
        proxy_pass http://${n}_app$request_uri;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}`;
}

/**
 * The nginx configuration that serves the filesystem cache before the application: an upstream for
 * the app, the `map` blocks that decide which requests may be answered from a file and which file,
 * and a server block that opens `<uri>[<index>][!<query>].<first ext>` directly, then tries the other
 * types in order (`try_files`), then proxies to the app. Put the text in the `http {}` context (a
 * `conf.d` file on Debian). Do not enable `open_file_cache` for this root: it would keep serving
 * purged files from cached descriptors. `pcre_jit on;` (main context) makes the maps cheaper.
 */
export function nginxConfig(options: ServerConfigOptions): string {
  const c = resolveServerConfig(options);
  return `# cacheset filesystem cache: nginx configuration for the document root ${c.root}
# Generated by @cacheset/fs. Include it in the http {} context (for example /etc/nginx/conf.d/cacheset.conf).
# Hits are served from the document root; everything else, and every miss, goes to the application.
# Do not turn on open_file_cache for this root: purged files would still be served from cached descriptors.
# Recommended in the main context: pcre_jit on;

${upstream(c)}

${maps(c)}

${server(c)}
`;
}
