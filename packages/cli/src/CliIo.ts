/** Where a command writes, and what it knows of its surroundings; tests pass their own. */
export interface CliStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** Terminal width, when a terminal. */
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base for relative file names. */
  readonly cwd: string;
}
