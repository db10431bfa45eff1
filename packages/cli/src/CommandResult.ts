import type { CachesetError } from '@cacheset/core';

/**
 * What a command hands back: its JSON document (printed with `--json`), its text for people, and
 * the failure when the operation did not succeed (exit status 1, one line on stderr) although there
 * is output to show, such as the problems of a policy file.
 */
export interface CommandResult {
  readonly json: unknown;
  readonly text: string;
  readonly failure?: CachesetError;
}
