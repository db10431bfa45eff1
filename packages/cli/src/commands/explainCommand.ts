import type { Command } from 'commander';
import type { AdminExplanation } from '@cacheset/admin';
import { adminRequest, adminTarget } from '../client/AdminClient.js';
import type { CliIo } from '../CliIo.js';
import type { CommandContext } from '../CommandContext.js';
import { contextOf } from '../CommandContext.js';
import { usageError } from '../errors/cliErrorCodes.js';
import type { Runner } from '../program.js';
import { withOnlineOptions, type OnlineOptions } from './onlineOptions.js';

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The explain report as text, in the order the admin's Explain screen shows it. */
export function explainText(report: AdminExplanation, { style }: Pick<CommandContext, 'style'>): string {
  const lines: string[] = [];
  const as = report.user === null ? '' : ` as ${report.user}`;
  lines.push(`${style.bold(`${report.method} ${report.url}`)}${as} → ${report.status}`);
  lines.push(`view:      ${report.view ?? '(not known)'}`);
  const { ruleset } = report;
  const why =
    ruleset.via === 'hint'
      ? ' (named by the route)'
      : ruleset.via === 'lookup'
        ? ` (rule for ${ruleset.matchedBy ?? '?'})`
        : ruleset.via === 'custom'
          ? " (the application's lookup)"
          : '';
  lines.push(`ruleset:   ${ruleset.name ?? '(none: cacheset does nothing to this response)'}${why}`);
  for (const candidate of ruleset.candidates)
    lines.push(`  ${style.dim(`then ${candidate.ruleset} (rule for ${candidate.spec})`)}`);
  lines.push(`operation: ${report.operation?.name ?? '(none)'}`);
  for (const operation of report.operations) {
    if (report.operations.length > 1 && operation.options.some((o) => o.value !== null))
      lines.push(`  ${operation.name}:`);
    const indent = report.operations.length > 1 ? '    ' : '  ';
    for (const option of operation.options)
      if (option.value !== null)
        lines.push(`${indent}${option.name} = ${show(option.value)} ${style.dim(`(${option.source})`)}`);
  }
  if (report.answeredBy !== null) lines.push(`answered by ${report.answeredBy} before the view ran`);
  const components = report.etag?.components ?? [];
  if (components.length > 0) {
    lines.push('etag:');
    for (const component of components) lines.push(`  ${component.name} = ${component.value ?? '(none)'}`);
  }
  const headers = Object.entries(report.headers);
  lines.push(headers.length === 0 ? 'headers:   (none)' : 'headers:');
  for (const [name, value] of headers) lines.push(`  ${name}: ${value}`);
  lines.push('layers:');
  const width = Math.max(0, ...report.layers.map((l) => l.layer.length));
  for (const layer of report.layers) {
    const verdict = layer.stores
      ? style.green(`stores${layer.ttlSeconds === undefined ? '' : ` for ${layer.ttlSeconds}s`}`)
      : style.yellow('does not store');
    lines.push(`  ${layer.layer.padEnd(width)}  ${verdict}${layer.reason === undefined ? '' : ` (${layer.reason})`}`);
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

function header(value: string, previous: string[]): string[] {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+:/.test(value))
    throw usageError(`--header ${JSON.stringify(value)} must be Name:value, such as "Accept-Language:fr"`);
  return [...previous, value];
}

export function registerExplain(program: Command, io: CliIo, runner: Runner): void {
  withOnlineOptions(
    program
      .command('explain')
      .description('show how a URL is cached: ruleset and why, resolved options, predicted headers, each layer')
      .argument('<url>', 'a path of the application (/images/42) or an absolute URL of it')
      .option('--header <name:value>', 'a request header to explain with (repeatable)', header, [])
      .option('--user <name>', 'explain as this logged-in user')
      .option('--method <method>', 'the request method', 'GET'),
  )
    .addHelpText(
      'after',
      `
Example:
  $ cacheset explain /images/42 --header Accept-Language:fr --url http://127.0.0.1:3000/`,
    )
    .action(
      async (
        url: string,
        options: OnlineOptions & { header: string[]; user?: string; method: string },
        command: Command,
      ) =>
        runner(command, async () => {
          const target = adminTarget(options, io);
          const query = new URLSearchParams({ url, method: options.method.toUpperCase() });
          for (const h of options.header) query.append('header', h);
          if (options.user !== undefined) query.set('user', options.user);
          const report = await adminRequest<AdminExplanation>(target, 'GET', `api/explain?${query.toString()}`);
          return { json: report, text: explainText(report, contextOf(command, io)) };
        }),
    );
}
