import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CLI_USAGE, nginxConfig, runCli } from '../src/index.js';

function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(argv, {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
  });
  return { code, out, err };
}

describe('the cacheset-fs command line', () => {
  it('prints the nginx configuration the function generates', () => {
    const result = cli(
      'nginx',
      '--root',
      '/srv/cache',
      '--app',
      'http://127.0.0.1:3000',
      '--listen',
      '8080',
      '--gzip',
      '--query-variants',
      '--bypass-cookie',
      'sid',
      '--bypass-cookie',
      'auth',
      '--types',
      'html,png',
      '--cache-control',
      'max-age=0, s-maxage=60',
    );
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(
      nginxConfig({
        root: '/srv/cache',
        app: 'http://127.0.0.1:3000',
        listen: '8080',
        gzip: true,
        queryVariants: true,
        bypassCookies: ['sid', 'auth'],
        contentTypes: [
          { extension: 'html', mediaType: 'text/html', charset: 'utf-8', compressible: true },
          { extension: 'png', mediaType: 'image/png' },
        ],
        cacheControl: 'max-age=0, s-maxage=60',
      }),
    );
  });

  it('prints the Apache configuration and the help', () => {
    expect(cli('apache', '--root', '/srv/cache', '--app', '127.0.0.1:3000').out).toContain('RewriteEngine On');
    expect(cli('help')).toEqual({ code: 0, out: CLI_USAGE, err: '' });
  });

  it('exits with 2 and a message naming the problem', () => {
    for (const [argv, message] of [
      [[], 'No command'],
      [['serve'], "Unknown command 'serve'"],
      [['nginx', '--app', '127.0.0.1:1'], '--root is required'],
      [['nginx', '--root', '/srv'], '--app is required'],
      [['nginx', '--root', '/srv', '--app', '127.0.0.1:1', '--colour'], "Unknown option '--colour'"],
      [['nginx', '--root', '/srv', '--app', '127.0.0.1:1', '--types', 'html,pdf'], "unknown type 'pdf'"],
      [['nginx', '--root', 'srv', '--app', '127.0.0.1:1'], 'root must be an absolute path'],
    ] as const) {
      const result = cli(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.out).toBe('');
      expect(result.err).toContain(message);
      expect(result.err).toMatch(/\[ERR_CACHESET_FS_INVALID_(CLI_USAGE|SERVER_CONFIG)\]/);
    }
  });

  it('is installed as the cacheset-fs bin, from the compiled entry point', async () => {
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      bin?: Record<string, string>;
    };
    expect(manifest.bin).toEqual({ 'cacheset-fs': './dist/cli/main.js' });
    expect(
      (await readFile(new URL('../src/cli/main.ts', import.meta.url), 'utf8')).startsWith('#!/usr/bin/env node\n'),
    ).toBe(true);
  });
});
