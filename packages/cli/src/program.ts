import { CachesetError } from '@cacheset/core';
import { Command, CommanderError } from 'commander';
import type { CliIo } from './CliIo.js';
import { contextOf } from './CommandContext.js';
import type { CommandResult } from './CommandResult.js';
import { registerCheckConfig } from './commands/checkConfigCommand.js';
import { registerExplain } from './commands/explainCommand.js';
import { registerNginxConfig } from './commands/nginxConfigCommand.js';
import { registerPolicy } from './commands/policyCommand.js';
import { registerPurge } from './commands/purgeCommand.js';
import { registerStats } from './commands/statsCommand.js';
import { registerVarnishVcl } from './commands/varnishVclCommand.js';
import { registerWarm } from './commands/warmCommand.js';
import { CliErrorCodes, exitCodeOf, usageError } from './errors/cliErrorCodes.js';
import { styleFor } from './output/style.js';

export const VERSION = '0.1.0';

/** Runs one command and hands its result to `done`. */
export type Runner = (command: Command, run: () => Promise<CommandResult>) => Promise<void>;

/** The `cacheset` program with every command; `runner` prints what each returns. */
export function buildProgram(io: CliIo, runner: Runner): Command {
  const program = new Command('cacheset');
  program
    .description('The cacheset command line: explain, purge, warm, stats, policy, check-config, server configuration.')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--json', 'print one JSON document (see docs/cli.md for each shape)')
    .option('--debug', 'print the stack trace of an error')
    .showHelpAfterError(false)
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Examples:
  $ cacheset check-config cacheset.yaml
  $ cacheset explain /images/42 --url http://127.0.0.1:3000/ --token "$CACHESET_TOKEN"

Environment: CACHESET_URL, CACHESET_TOKEN (instead of --url, --token); NO_COLOR turns colours off.
Exit status: 0 success, 1 the operation failed, 2 the command line was wrong.`,
    );
  // Every command shares the error handling: usage errors surface as CommanderError, reported below.
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => undefined,
    });
  };
  registerCheckConfig(program, io, runner);
  registerNginxConfig(program, io, runner);
  registerVarnishVcl(program, io, runner);
  registerExplain(program, io, runner);
  registerPurge(program, io, runner);
  registerStats(program, io, runner);
  registerPolicy(program, io, runner);
  registerWarm(program, io, runner);
  const walk = (command: Command): void => {
    configure(command);
    for (const sub of command.commands) walk(sub);
  };
  walk(program);
  return program;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function commanderMessage(error: CommanderError, argv: readonly string[]): string {
  const message = error.message.replace(/^error:\s*/, '');
  const command = argv.find((a) => !a.startsWith('-'));
  const known = command !== undefined && error.code !== 'commander.unknownCommand';
  const help = known ? `cacheset ${command} --help` : 'cacheset --help';
  return `${oneLine(message)}; run '${help}' for usage`;
}

/**
 * Runs the command line `argv` (without `node` and the script) and returns the exit status: 0 success,
 * 1 when the operation failed, 2 for a usage error. Output goes to `io`; nothing calls process.exit.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let status = 0;
  let debug = argv.includes('--debug');
  let json = argv.includes('--json');
  const report = (error: unknown): number => {
    const style = styleFor(io.stderr, io, false);
    if (CachesetError.is(error)) {
      io.stderr.write(`${style.red('cacheset:')} ${oneLine(error.message)} [${error.code}]\n`);
      if (json)
        io.stdout.write(
          `${JSON.stringify({ error: { code: error.code, message: error.message, ...error.details } }, null, 2)}\n`,
        );
      if (debug && error.stack !== undefined) io.stderr.write(`${error.stack}\n`);
      return exitCodeOf(error);
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      `${style.red('cacheset:')} unexpected failure: ${oneLine(message)}; run again with --debug and report it\n`,
    );
    if (debug && error instanceof Error && error.stack !== undefined) io.stderr.write(`${error.stack}\n`);
    return 1;
  };
  const runner: Runner = async (command, run) => {
    const context = contextOf(command, io);
    debug = context.debug;
    json = context.json;
    const result = await run();
    if (context.json) io.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
    else if (result.text !== '') io.stdout.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
    if (result.failure !== undefined) {
      const style = styleFor(io.stderr, io, false);
      io.stderr.write(`${style.red('cacheset:')} ${oneLine(result.failure.message)} [${result.failure.code}]\n`);
      status = exitCodeOf(result.failure);
    }
  };
  const program = buildProgram(io, runner);
  try {
    if (argv.length === 0) throw usageError("no command given; run 'cacheset --help' for the commands");
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return 0;
      json = false;
      const style = styleFor(io.stderr, io, false);
      io.stderr.write(`${style.red('cacheset:')} ${commanderMessage(error, argv)} [${CliErrorCodes.USAGE}]\n`);
      return 2;
    }
    return report(error);
  }
}
