import type { Command } from 'commander';
import type { CliIo } from './CliIo.js';
import type { CommandResult } from './CommandResult.js';
import { styleFor, type Style } from './output/style.js';

/** What every command's action gets: where to write, and the global switches. */
export interface CommandContext {
  readonly io: CliIo;
  readonly json: boolean;
  readonly debug: boolean;
  /** Styles for stdout (plain on a pipe, with --json, or with NO_COLOR). */
  readonly style: Style;
}

export type CommandAction = (context: CommandContext, ...args: unknown[]) => Promise<CommandResult>;

/** The context of `command`, from its options and the global ones. */
export function contextOf(command: Command, io: CliIo): CommandContext {
  const options = command.optsWithGlobals<{ json?: boolean; debug?: boolean }>();
  const json = options.json === true;
  return { io, json, debug: options.debug === true, style: styleFor(io.stdout, io, json) };
}
