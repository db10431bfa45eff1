import { spawnSync } from 'node:child_process';
import { nginxConfig, runCli, type ServerConfigOptions } from '@cacheset/fs';
import { expect, it } from 'vitest';
import { describeWithServers, findBinary } from './support/binaries.js';
import { Nginx } from './support/nginx.js';

const base: ServerConfigOptions = { root: '/var/cache/cacheset-test', app: '127.0.0.1:3000', listen: '127.0.0.1:8080' };

describeWithServers('@cacheset/fs: generated nginx configurations pass nginx -t', ['nginx'], () => {
  const variants: [string, ServerConfigOptions][] = [
    ['defaults', base],
    [
      'query variants, cookies, gzip, custom name and index',
      {
        ...base,
        queryVariants: true,
        bypassCookies: ['session', 'wp.auth'],
        gzip: true,
        name: 'site2',
        indexName: '__index',
        serverName: 'example.org www.example.org',
      },
    ],
    [
      'a unix-socket app and a policy Cache-Control',
      {
        ...base,
        app: 'unix:/run/cacheset-test.sock',
        cacheControl: 'max-age=0, s-maxage=86400, must-revalidate',
        disableSymlinks: true,
      },
    ],
    ['a single type', { ...base, contentTypes: [{ extension: 'png', mediaType: 'image/png' }] }],
  ];
  it.each(variants)('%s', async (_label, options) => {
    const result = await Nginx.check(nginxConfig(options));
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('two sites with different names can share one nginx', async () => {
    const one = nginxConfig({ ...base, name: 'one' });
    const two = nginxConfig({
      ...base,
      root: '/var/cache/two',
      app: '127.0.0.1:3001',
      listen: '127.0.0.1:8081',
      name: 'two',
    });
    expect((await Nginx.check(`${one}\n${two}`)).ok).toBe(true);
  });

  it('prints through the command line what nginx accepts', async () => {
    let out = '';
    expect(
      runCli(['nginx', '--root', '/srv/cacheset', '--app', '127.0.0.1:4000', '--listen', '127.0.0.1:8082', '--gzip'], {
        stdout: { write: (t: string) => (out += t) },
        stderr: { write: () => undefined },
      }),
    ).toBe(0);
    expect((await Nginx.check(out)).ok).toBe(true);
  });

  it("brotli_static works only where nginx has the ngx_brotli module (Debian's package has not)", async () => {
    const version = spawnSync(findBinary('nginx') as string, ['-V'], { encoding: 'utf8' });
    const hasBrotli = /brotli/.test(`${version.stdout}${version.stderr}`);
    const result = await Nginx.check(nginxConfig({ ...base, gzip: true, brotli: true }));
    if (hasBrotli) expect(result.ok).toBe(true);
    else {
      expect(result.ok).toBe(false);
      expect(result.output).toContain('unknown directive "brotli_static"');
    }
  });
});
