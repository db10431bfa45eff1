import { demoError, DemoErrorCodes } from '../domain/DemoErrorCodes.js';

/** How many of each server `npm run stack` starts: `--apps N --varnish N --redis`. */
export interface StackShape {
  /** Application processes behind nginx. Default 1: the site runs inside the stack's own process. */
  readonly apps: number;
  /** Varnish instances with the shipped VCL, each purged by every application. Default 1. */
  readonly varnish: number;
  /** Start a Redis for the shared RAM tier (always done when installed and REDIS_URL is not set). */
  readonly redis: boolean;
}

const FLAGS = ['--apps', '--varnish', '--redis'];

/**
 * Takes the stack's own flags out of the command line; what is left goes to the site's settings
 * (`--port`, `--config`). A bad count is `ERR_CACHESET_DEMO_INVALID_SETTINGS`.
 */
export function readStackShape(argv: readonly string[]): { shape: StackShape; rest: string[] } {
  let apps = 1;
  let varnish = 1;
  let redis = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    if (!FLAGS.includes(flag)) {
      rest.push(arg);
      continue;
    }
    if (flag === '--redis') {
      redis = true;
      continue;
    }
    const raw = inline ?? argv[++i];
    const count = raw !== undefined && /^\d{1,2}$/.test(raw) ? Number(raw) : Number.NaN;
    const max = flag === '--apps' ? 16 : 8;
    if (!Number.isInteger(count) || count < (flag === '--apps' ? 1 : 0) || count > max)
      throw demoError(
        DemoErrorCodes.INVALID_SETTINGS,
        `${flag} ${raw ?? ''}: give a whole number from ${flag === '--apps' ? 1 : 0} to ${max} (${flag} 3).`,
        { argument: flag, value: raw },
      );
    if (flag === '--apps') apps = count;
    else varnish = count;
  }
  return { shape: { apps, varnish, redis }, rest };
}
