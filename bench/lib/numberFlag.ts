/** A positive number given as `flag value` on the command line, or `fallback` when the flag is absent. */
export function numberFlag(argv: readonly string[], flag: string, fallback: number): number {
  const i = argv.indexOf(flag);
  if (i < 0) return fallback;
  const value = Number(argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${flag} needs a positive number, got ${String(argv[i + 1])}`);
  return value;
}
