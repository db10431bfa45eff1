import { CachesetError } from '@cacheset/core';
import type { Command } from 'commander';
import { parse } from 'yaml';
import type { AdminPolicy, AdminProblem, PolicySaved } from '@cacheset/admin';
import { adminRequest, adminTarget } from '../client/AdminClient.js';
import type { CliIo } from '../CliIo.js';
import { cliError, CliErrorCodes } from '../errors/cliErrorCodes.js';
import type { Runner } from '../program.js';
import { readTextFile } from '../readTextFile.js';
import { withOnlineOptions, type OnlineOptions } from './onlineOptions.js';

/** `--json` shape of `policy set` when refused (exit status 1). */
export interface PolicyRefusedJson {
  readonly ok: false;
  readonly code: string;
  readonly problems: readonly AdminProblem[];
}

function parsePolicyFile(text: string, file: string): unknown {
  try {
    return parse(text, { maxAliasCount: 100 }) as unknown;
  } catch (error) {
    throw cliError(
      CliErrorCodes.CONFIG_PROBLEMS,
      `${file} is not valid JSON or YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); run 'cacheset check-config ${file}'`,
      { file },
    );
  }
}

export function registerPolicy(program: Command, io: CliIo, runner: Runner): void {
  const policy = program
    .command('policy')
    .description("read or replace the running application's policy")
    .addHelpText('after', '\nExamples:\n  $ cacheset policy get > policy.json\n  $ cacheset policy set policy.json');
  withOnlineOptions(policy.command('get').description('print the live policy document (JSON, fit for policy set)'))
    .addHelpText('after', '\nExample:\n  $ cacheset policy get --url http://127.0.0.1:3000/ > policy.json')
    .action(async (options: OnlineOptions, command: Command) =>
      runner(command, async () => {
        const answer = await adminRequest<AdminPolicy>(adminTarget(options, io), 'GET', 'api/policy');
        return { json: answer, text: JSON.stringify(answer.policy, null, 2) };
      }),
    );
  withOnlineOptions(
    policy
      .command('set')
      .description('validate a policy file on the application and apply it live; nothing changes if it is refused')
      .argument('<file>', 'the policy document (.yaml, .yml or .json)'),
  )
    .addHelpText('after', '\nExample:\n  $ cacheset policy set cacheset.yaml --url http://127.0.0.1:3000/')
    .action(async (file: string, options: OnlineOptions, command: Command) =>
      runner(command, async () => {
        const document = parsePolicyFile(await readTextFile(file, io.cwd), file);
        try {
          const answer = await adminRequest<PolicySaved>(adminTarget(options, io), 'PUT', 'api/policy', document);
          return {
            json: answer,
            text: `applied ${file} to ${answer.file} (previous version kept as ${answer.backup})`,
          };
        } catch (error) {
          const refused = CachesetError.is(error, CliErrorCodes.ADMIN_REFUSED) ? error : undefined;
          const problems = refused?.details.problems;
          if (refused === undefined || !Array.isArray(problems)) throw error;
          const list = problems as AdminProblem[];
          const json: PolicyRefusedJson = { ok: false, code: String(refused.details.apiCode), problems: list };
          return {
            json,
            // The admin's messages usually name the file, position and key themselves (the loader's wording).
            text: list
              .map((p) =>
                p.path !== '' && p.message.includes(`${p.path}: `) ? p.message : `${file}: ${p.path}: ${p.message}`,
              )
              .join('\n'),
            failure: cliError(
              CliErrorCodes.CONFIG_PROBLEMS,
              `the application refused ${file} (${list.length} problem${list.length === 1 ? '' : 's'}); nothing was changed`,
              { file, problems: list.length },
            ),
          };
        }
      }),
    );
}
