import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nginxConfig, serverConfigOf, type FsCache } from '@cacheset/fs';
import { packagePath } from '../config/packagePath.js';
import { SESSION_COOKIE } from '../server/EditorAuth.js';
import { ChildServer } from './ChildServer.js';
import { freePort } from './freePort.js';

/** The VCL the repository ships, with the site's port as its backend. */
export async function shippedVcl(backendPort: number): Promise<string> {
  const text = await readFile(packagePath('../../docs/varnish/cacheset.vcl'), 'utf8');
  return text.replaceAll('${BACKEND_PORT}', String(backendPort));
}

/** Varnish with the shipped VCL in front of the site, with its own work folder under `dir`. */
export async function startVarnish(
  binary: string,
  dir: string,
  port: number,
  backendPort: number,
): Promise<ChildServer> {
  const work = join(dir, 'varnish');
  await mkdir(work, { recursive: true, mode: 0o755 });
  const vcl = join(work, 'cacheset.vcl');
  await writeFile(vcl, await shippedVcl(backendPort), { mode: 0o644 });
  const secret = join(work, 'secret');
  await writeFile(secret, `${Math.random().toString(36).slice(2)}\n`, { mode: 0o600 });
  const admin = await freePort();
  const args = ['-F', '-a', `127.0.0.1:${port}`, '-T', `127.0.0.1:${admin}`, '-S', secret, '-f', vcl];
  args.push('-n', join(work, 'instance'), '-s', 'malloc,64m');
  return ChildServer.start('Varnish', binary, args, port);
}

/**
 * nginx serving the disk dump first (`try_files`, the configuration `nginxConfig` generates from the
 * dump's own settings) and passing everything else to the site.
 */
export async function startNginx(
  binary: string,
  dir: string,
  port: number,
  dump: FsCache,
  appPorts: number | readonly number[],
): Promise<ChildServer> {
  const ports = typeof appPorts === 'number' ? [appPorts] : appPorts;
  const first = ports[0];
  if (first === undefined) throw new Error('startNginx: give at least one application port.');
  const prefix = join(dir, 'nginx');
  for (const sub of ['logs', 'temp/client', 'temp/proxy', 'temp/fastcgi', 'temp/uwsgi', 'temp/scgi'])
    await mkdir(join(prefix, sub), { recursive: true, mode: 0o755 });
  // The generated upstream names one application; several processes are balanced across it.
  const site = nginxConfig({
    ...serverConfigOf(dump),
    app: `127.0.0.1:${first}`,
    listen: `127.0.0.1:${port}`,
    bypassCookies: [SESSION_COOKIE],
  }).replace(
    `    server 127.0.0.1:${first};\n`,
    ports.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;\n`).join(''),
  );
  const config = `worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs', 'error.log')} warn;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path ${join(prefix, 'temp', 'client')};
    proxy_temp_path ${join(prefix, 'temp', 'proxy')};
    fastcgi_temp_path ${join(prefix, 'temp', 'fastcgi')};
    uwsgi_temp_path ${join(prefix, 'temp', 'uwsgi')};
    scgi_temp_path ${join(prefix, 'temp', 'scgi')};
    # Cache tags are for Varnish only: never pass them on to browsers.
    proxy_hide_header xkey;
${site}
}
`;
  const file = join(prefix, 'nginx.conf');
  await writeFile(file, config, { mode: 0o644 });
  const args = ['-p', prefix, '-c', file, '-e', join(prefix, 'logs', 'startup.log'), '-g', 'daemon off;'];
  return ChildServer.start('nginx', binary, args, port);
}

/** A Redis of its own for the shared RAM tier, keeping nothing on disk. */
export async function startRedis(binary: string, dir: string, port: number): Promise<ChildServer> {
  const data = join(dir, 'redis');
  await mkdir(data, { recursive: true });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', data, '--save', '', '--appendonly', 'no'];
  args.push('--protected-mode', 'no', '--daemonize', 'no', '--loglevel', 'warning');
  return ChildServer.start('Redis', binary, args, port);
}
