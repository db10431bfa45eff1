import type { Command } from 'commander';
import type { AdminStats } from '@cacheset/admin';
import { adminRequest, adminTarget } from '../client/AdminClient.js';
import type { CliIo } from '../CliIo.js';
import { contextOf, type CommandContext } from '../CommandContext.js';
import type { Runner } from '../program.js';
import { withOnlineOptions, type OnlineOptions } from './onlineOptions.js';

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function statsText(stats: AdminStats, { style }: Pick<CommandContext, 'style'>): string {
  const lines = [`caching: ${stats.enabled ? style.green('enabled') : style.yellow('disabled')}`, 'layers:'];
  for (const [name, layer] of Object.entries(stats.layers)) {
    const state = !layer.configured
      ? style.dim('not configured')
      : layer.healthy
        ? style.green('ok')
        : style.red('unhealthy');
    lines.push(`  ${name.padEnd(8)} ${state}${layer.detail === '' ? '' : `  ${layer.detail}`}`);
  }
  if (stats.ram !== null) {
    const t = stats.ram.totals;
    lines.push(
      `ram: ${t.entries} entries, ${bytes(t.bytes)}, ${t.hits} hits, ${t.misses} misses, hit ratio ${t.hitRatio === null ? 'n/a' : `${(t.hitRatio * 100).toFixed(1)}%`}`,
    );
    for (const o of stats.ram.objects)
      lines.push(`  ${o.name}: ${o.entries} entries, ${bytes(o.bytes)}, ${o.hits} hits, ${o.misses} misses`);
  }
  if (stats.fs !== null) {
    const refusals = Object.entries(stats.fs.refusals).map(([reason, n]) => `${reason} ${n}`);
    lines.push(
      `fs: ${stats.fs.files} files, ${bytes(stats.fs.bytes)}${refusals.length === 0 ? '' : `; refused: ${refusals.join(', ')}`}`,
    );
  }
  if (stats.purge !== null) {
    const p = stats.purge;
    lines.push(
      `purge: ${p.queued} queued, ${p.sent} sent, ${p.retried} retried, ${p.failed} failed, ${p.dropped} dropped`,
    );
  }
  return lines.join('\n');
}

export function registerStats(program: Command, io: CliIo, runner: Runner): void {
  withOnlineOptions(program.command('stats').description('print the RAM, filesystem and purge statistics'))
    .addHelpText('after', '\nExample:\n  $ cacheset stats --url http://127.0.0.1:3000/ --json')
    .action(async (options: OnlineOptions, command: Command) =>
      runner(command, async () => {
        const stats = await adminRequest<AdminStats>(adminTarget(options, io), 'GET', 'api/stats');
        return { json: stats, text: statsText(stats, contextOf(command, io)) };
      }),
    );
}
