import { describe, expect, it } from 'vitest';
import {
  apacheConfig,
  nginxConfig,
  parseAppAddress,
  resolveServerConfig,
  type ServerConfigOptions,
} from '../src/index.js';

const base: ServerConfigOptions = { root: '/var/cache/site', app: '127.0.0.1:3000' };

describe('the nginx configuration generator', () => {
  it('opens <uri>[index][!query].<first ext> directly, tries the other types in order, then the app', () => {
    const text = nginxConfig({
      ...base,
      contentTypes: [
        { extension: 'html', mediaType: 'text/html', charset: 'utf-8' },
        { extension: 'png', mediaType: 'image/png' },
      ],
    });
    expect(text).toContain('root "/var/cache/site";');
    expect(text).toContain('0 "$uri$cacheset_index";');
    expect(text).toContain('rewrite ^ "$cacheset_file.html" break;');
    expect(text).toContain('try_files $cacheset_file.png @cacheset_app;');
    expect(text).toContain('proxy_pass http://cacheset_app$request_uri;');
    expect(text).toContain('"text/html; charset=utf-8" html;');
    expect(text).toContain('"image/png" png;');
    expect(text).toContain('server 127.0.0.1:3000;');
    expect(text).toContain('add_header Cache-Control "no-cache";');
    expect(text).not.toContain('disable_symlinks');
    expect(nginxConfig({ ...base, disableSymlinks: true })).toContain('disable_symlinks on from=$document_root;');
    expect(text).not.toContain('gzip_static');
    expect(text).not.toContain('$cacheset_query');
    expect(text).not.toMatch(/^\s*open_file_cache /m);
  });

  it('adds query variants, session cookies, compression and a custom name and index when asked', () => {
    const text = nginxConfig({
      ...base,
      queryVariants: true,
      bypassCookies: ['session', 'wp.logged-in'],
      gzip: true,
      brotli: true,
      name: 'mysite',
      indexName: '__index',
      cacheControl: 'max-age=0, s-maxage=600',
    });
    expect(text).toContain('0 "$uri$mysite_index$mysite_query";');
    expect(text).toContain('rewrite ^ "$mysite_file.html" break;');
    expect(nginxConfig({ ...base, contentTypes: [{ extension: 'png', mediaType: 'image/png' }] })).not.toMatch(
      /^\s*try_files /m,
    );
    expect(text).toContain('"~(^|;)\\s*(session|wp\\.logged\\-in)=" 1;');
    expect(text).toContain('gzip_static on;');
    expect(text).toContain('brotli_static on;');
    expect(text).toContain('"~/$" "__index";');
    expect(text).toContain('"~(^|/)\\.|!|/__index$" 1;');
    expect(text).toContain('add_header Cache-Control "max-age=0, s-maxage=600";');
    expect(text).toContain('location @mysite_app');
  });

  it('accepts the application as host:port, an http:// URL or a unix socket', () => {
    expect(parseAppAddress('http://localhost:8080')).toEqual({ kind: 'tcp', host: 'localhost', port: 8080 });
    expect(parseAppAddress('http://app.internal')).toEqual({ kind: 'tcp', host: 'app.internal', port: 80 });
    expect(parseAppAddress('[::1]:3000')).toEqual({ kind: 'tcp', host: '[::1]', port: 3000 });
    expect(parseAppAddress('unix:/run/app.sock')).toEqual({ kind: 'unix', path: '/run/app.sock' });
    expect(nginxConfig({ ...base, app: 'unix:/run/app.sock' })).toContain('server unix:/run/app.sock;');
  });

  it('rejects every option that would produce a broken or injectable configuration', () => {
    const bad: [Partial<ServerConfigOptions>, string][] = [
      [{ root: 'relative/path' }, 'root'],
      [{ root: '/var/$document_root' }, 'root'],
      [{ root: '/var/"x' }, 'root'],
      [{ app: 'https://127.0.0.1:3000' }, 'only http://'],
      [{ app: 'http://u:p@127.0.0.1:3000' }, 'credentials'],
      [{ app: 'http://127.0.0.1:3000/prefix' }, 'path'],
      [{ app: '127.0.0.1' }, 'needs a port'],
      [{ app: '127.0.0.1:99999' }, 'port'],
      [{ app: 'bad host:80' }, 'host'],
      [{ app: 'unix:relative.sock' }, 'absolute'],
      [{ app: 'unix:/run/a;b.sock' }, 'absolute'],
      [{ listen: 0 }, 'port'],
      [{ listen: 'a b:80' }, 'address'],
      [{ serverName: 'example.com; evil' }, 'serverName'],
      [{ bypassCookies: ['a=b'] }, 'bypassCookies'],
      [{ cacheControl: 'max-age=1"' }, 'cacheControl'],
      [{ name: 'Bad-Name' }, 'name'],
      [{ indexName: 'a.b' }, 'indexName'],
      [{ gzip: 'yes' as unknown as boolean }, 'gzip'],
      [{ contentTypes: [] }, 'non-empty'],
    ];
    for (const [options, message] of bad) {
      expect(() => resolveServerConfig({ ...base, ...options }), JSON.stringify(options)).toThrow(
        expect.objectContaining({
          code: 'ERR_CACHESET_FS_INVALID_SERVER_CONFIG',
          message: expect.stringContaining(message) as string,
        }) as Error,
      );
    }
  });
});

describe('the Apache configuration generator', () => {
  it('prints RewriteCond -f lookups in type order, and proxies the raw request target otherwise', () => {
    const text = apacheConfig({
      ...base,
      queryVariants: true,
      bypassCookies: ['session'],
      serverName: 'example.org www.example.org',
    });
    expect(text).toContain('DocumentRoot "/var/cache/site"');
    expect(text).toContain('ServerName example.org');
    expect(text).toContain(
      'RewriteCond "/var/cache/site%{REQUEST_URI}%{ENV:CACHESET_INDEX}%{ENV:CACHESET_QUERY}.html" -f',
    );
    expect(text.indexOf('.html" -f')).toBeLessThan(text.indexOf('.json" -f'));
    expect(text).toContain('ForceType "text/html; charset=utf-8"');
    expect(text).toContain('RewriteRule ^ "http://127.0.0.1:3000%1" [P,NE,END]');
    expect(text).toContain('Options -Indexes -FollowSymLinks -MultiViews');
    expect(text).toContain('RewriteCond %{HTTP_COOKIE} "(^|;)\\s*(session)=" [OR]');
    expect(apacheConfig({ ...base, app: 'unix:/run/app.sock' })).toContain('"unix:/run/app.sock|http://localhost%1"');
  });
});
