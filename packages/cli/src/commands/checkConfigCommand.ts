import { checkConfig, OperationRegistry, type ConfigProblem } from '@cacheset/core';
import { createFsCacheOperation, FsCache } from '@cacheset/fs';
import { registerHttpOperations } from '@cacheset/http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../CliIo.js';
import { cliError, CliErrorCodes } from '../errors/cliErrorCodes.js';
import type { Runner } from '../program.js';
import { readTextFile } from '../readTextFile.js';

/** `--json` shape of check-config. */
export interface CheckConfigJson {
  readonly file: string;
  readonly ok: boolean;
  readonly problems: readonly Omit<ConfigProblem, 'value'>[];
}

function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ];
}

/**
 * The operations a policy file may name: the HTTP ones and the filesystem cache's `fsCache`. The
 * latter is built on a cache opened in an empty temporary folder (removed after), so its real option
 * schema checks the file and nothing on disk is touched.
 */
async function withStandardOperations<T>(check: (operations: OperationRegistry) => T): Promise<T> {
  const root = await mkdtemp(join(tmpdir(), 'cacheset-check-'));
  try {
    const operations = registerHttpOperations(new OperationRegistry());
    operations.register(createFsCacheOperation(await FsCache.open({ root })));
    return check(operations);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export function registerCheckConfig(program: Command, io: CliIo, runner: Runner): void {
  program
    .command('check-config')
    .description(
      'validate a policy file (ruleset names, operations, options, explicit-mode declarations) and list every problem',
    )
    .argument('<file>', 'the policy file (.yaml, .yml or .json)')
    .option(
      '--declared <names>',
      'ruleset types the application declares in code (comma-separated, repeatable)',
      collect,
      [],
    )
    .addHelpText(
      'after',
      `
Each problem is one line: file:line:column: key: what is wrong. Exit status 1 when there is any.

Example:
  $ cacheset check-config packages/demo/cacheset.yaml`,
    )
    .action(async (file: string, options: { declared: string[] }, command: Command) =>
      runner(command, async () => {
        const text = await readTextFile(file, io.cwd);
        const problems = await withStandardOperations((operations) =>
          checkConfig(text, file, { operations, declaredTypes: options.declared }),
        );
        const json: CheckConfigJson = {
          file,
          ok: problems.length === 0,
          problems: problems.map(({ value: _value, ...rest }) => rest),
        };
        if (problems.length === 0) return { json, text: `${file}: no problems` };
        return {
          json,
          text: problems.map((p) => p.message).join('\n'),
          failure: cliError(
            CliErrorCodes.CONFIG_PROBLEMS,
            `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${file}; fix ${problems.length === 1 ? 'it' : 'them'} and run check-config again`,
            { file, problems: problems.length },
          ),
        };
      }),
    );
}
