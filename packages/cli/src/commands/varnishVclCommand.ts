import type { Command } from 'commander';
import type { CliIo } from '../CliIo.js';
import { usageError } from '../errors/cliErrorCodes.js';
import type { Runner } from '../program.js';
import { varnishVcl } from '../varnish/varnishVcl.js';

/** `--json` shape of varnish-vcl. */
export interface VarnishVclJson {
  readonly backend: { readonly host: string; readonly port: number };
  readonly purgers: readonly string[];
  readonly xkey: boolean;
  readonly vcl: string;
}

/** `host:port`, `[::1]:port` or a bare port. */
export function parseBackend(value: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(value);
  const match = bracketed ?? /^(?:([^:]+):)?(\d+)$/.exec(value);
  if (match === null)
    throw usageError(`--backend ${JSON.stringify(value)} must be host:port, [v6-address]:port or a port`);
  return { host: match[1] ?? '127.0.0.1', port: Number(match[2]) };
}

export function registerVarnishVcl(program: Command, io: CliIo, runner: Runner): void {
  void io;
  program
    .command('varnish-vcl')
    .description('print the Varnish 7 configuration for a cacheset application (PURGE, BAN, xkey tags)')
    .option('--backend <host:port>', 'the application Varnish forwards to', '127.0.0.1:3000')
    .option(
      '--purger <address>',
      'an address or network (10.0.0.0/8) allowed to purge (repeatable; default 127.0.0.1 and ::1)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--no-xkey', 'leave out tag invalidation (for a Varnish without varnish-modules)')
    .addHelpText(
      'after',
      `
Example:
  $ cacheset varnish-vcl --backend 10.0.0.5:3000 --purger 10.0.0.0/24 > /etc/varnish/default.vcl`,
    )
    .action(async (options: { backend: string; purger: string[]; xkey: boolean }, command: Command) =>
      runner(command, async () => {
        const backend = parseBackend(options.backend);
        const purgers = options.purger.length === 0 ? ['127.0.0.1', '::1'] : options.purger;
        const vcl = varnishVcl({ ...backend, purgers, xkey: options.xkey });
        const json: VarnishVclJson = { backend, purgers, xkey: options.xkey, vcl };
        return { json, text: vcl };
      }),
    );
}
