import type { Command } from 'commander';

/** The options every command that talks to a running application takes. */
export interface OnlineOptions {
  url?: string;
  token?: string;
  timeout?: string;
}

export function withOnlineOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the application (its admin under /_cacheset/) or the admin mount itself; or CACHESET_URL')
    .option('--token <token>', 'the admin token; or CACHESET_TOKEN')
    .option('--timeout <seconds>', 'give up on the admin API after this long (default 15)');
}
