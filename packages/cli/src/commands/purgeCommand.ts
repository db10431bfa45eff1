import type { Command } from 'commander';
import type { PurgeDelivered, PurgeOutcome, PurgeQueued } from '@cacheset/admin';
import { adminRequest, adminTarget } from '../client/AdminClient.js';
import type { CliIo } from '../CliIo.js';
import { contextOf } from '../CommandContext.js';
import { cliError, CliErrorCodes, usageError } from '../errors/cliErrorCodes.js';
import type { Runner } from '../program.js';
import { readTextFile } from '../readTextFile.js';
import { withOnlineOptions, type OnlineOptions } from './onlineOptions.js';

/** `--json` shape of purge: what was asked, and the admin's answer. */
export interface PurgeJson {
  readonly paths: readonly string[];
  readonly tags: readonly string[];
  /** Requests handed to the proxies (targets times proxies). */
  readonly queued: number;
  /** What this application invalidated at once, before the proxies. */
  readonly ramDropped: number;
  readonly filesDeleted: number;
  /** With --wait: one per proxy and target. */
  readonly outcomes?: readonly PurgeOutcome[];
}

/** Lines of a --from-file list: blank lines and `#` comments skipped. */
export function listLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

const WAIT_MS = 30_000;

export function registerPurge(program: Command, io: CliIo, runner: Runner): void {
  withOnlineOptions(
    program
      .command('purge')
      .description('queue purges of paths (or tags with --tag) in every layer; --wait waits for the proxies')
      .argument('[targets...]', 'paths (/images/42) or, with --tag, cache tags')
      .option('--tag', 'the targets are cache tags, not paths')
      .option('--from-file <file>', 'read more targets from a file, one a line (# comments)')
      .option('--wait', 'wait until every proxy has answered and report each'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ cacheset purge / /images/42 --wait --url http://127.0.0.1:3000/
  $ cacheset purge --tag image-42 --url http://127.0.0.1:3000/`,
    )
    .action(
      async (
        targets: string[],
        options: OnlineOptions & { tag?: boolean; fromFile?: string; wait?: boolean },
        command: Command,
      ) =>
        runner(command, async () => {
          const all = [
            ...targets,
            ...(options.fromFile === undefined ? [] : listLines(await readTextFile(options.fromFile, io.cwd))),
          ];
          if (all.length === 0) throw usageError('nothing to purge: give paths, tags with --tag, or --from-file');
          const tags = options.tag === true ? all : [];
          const paths = options.tag === true ? [] : all;
          for (const path of paths)
            if (!path.startsWith('/'))
              throw usageError(`${JSON.stringify(path)} is not a path (they start with /); pass --tag to purge tags`);
          for (const tag of tags)
            if (/\s/.test(tag))
              throw usageError(`tag ${JSON.stringify(tag)} contains white space; tags are single words`);
          const target = adminTarget(options, io);
          const wait = options.wait === true;
          const answer = await adminRequest<PurgeQueued | PurgeDelivered>(
            target,
            'POST',
            'api/purge',
            { paths, tags, ...(wait ? { wait: true } : {}) },
            wait ? Math.max(target.timeoutMs, WAIT_MS) : target.timeoutMs,
          );
          const json: PurgeJson = {
            paths,
            tags,
            queued: answer.queued,
            ramDropped: answer.ramDropped,
            filesDeleted: answer.filesDeleted,
            ...('outcomes' in answer ? { outcomes: answer.outcomes } : {}),
          };
          const { style } = contextOf(command, io);
          const lines = [
            `purged ${paths.length} path${paths.length === 1 ? '' : 's'} and ${tags.length} tag${tags.length === 1 ? '' : 's'}: ` +
              `${answer.ramDropped} RAM entr${answer.ramDropped === 1 ? 'y' : 'ies'} dropped, ` +
              `${answer.filesDeleted} file${answer.filesDeleted === 1 ? '' : 's'} deleted, ` +
              `${answer.queued} proxy request${answer.queued === 1 ? '' : 's'} queued`,
          ];
          const outcomes = 'outcomes' in answer ? answer.outcomes : [];
          if (wait && outcomes.length === 0) lines.push('no caching proxy is configured: nothing to wait for');
          for (const o of outcomes)
            lines.push(
              `  ${o.proxy}  ${o.path ?? `tag ${o.tag ?? '?'}`}  ${o.ok ? style.green(String(o.status ?? 'ok')) : style.red(String(o.status ?? 'no answer'))}  ${o.attempts} attempt${o.attempts === 1 ? '' : 's'}`,
            );
          const failed = outcomes.filter((o) => !o.ok);
          return {
            json,
            text: lines.join('\n'),
            ...(failed.length === 0
              ? {}
              : {
                  failure: cliError(
                    CliErrorCodes.PURGE_UNDELIVERED,
                    `${failed.length} of ${outcomes.length} purge requests were not confirmed by their proxy; check the proxies above and purge again`,
                    { failed: failed.length },
                  ),
                }),
          };
        }),
    );
}
