import { cliError, CliErrorCodes, usageError } from '../errors/cliErrorCodes.js';
import type { CliIo } from '../CliIo.js';
import type { AdminErrorBody } from '@cacheset/admin';

export const DEFAULT_MOUNT = '/_cacheset/';

export interface AdminTarget {
  /** The admin mount, with a trailing slash: `http://127.0.0.1:3000/_cacheset/`. */
  readonly base: URL;
  readonly token: string | undefined;
  readonly timeoutMs: number;
}

/**
 * The admin's address from `--url` or CACHESET_URL. A URL without a path means the application's
 * root, and the admin's default mount under it.
 */
export function adminTarget(options: { url?: string; token?: string; timeout?: string }, io: CliIo): AdminTarget {
  const raw = options.url ?? io.env.CACHESET_URL;
  if (raw === undefined || raw === '')
    throw usageError('no application given: pass --url http://host:port/ or set CACHESET_URL');
  let base: URL;
  try {
    base = new URL(raw);
  } catch {
    throw usageError(`--url ${JSON.stringify(raw)} is not a URL; give one such as http://127.0.0.1:3000/`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw usageError(`--url ${JSON.stringify(raw)} must be an http: or https: URL`);
  if (base.pathname === '/' || base.pathname === '') base.pathname = DEFAULT_MOUNT;
  else if (!base.pathname.endsWith('/')) base.pathname += '/';
  base.search = '';
  base.hash = '';
  const token = options.token ?? io.env.CACHESET_TOKEN;
  const seconds = options.timeout === undefined ? 15 : Number(options.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw usageError(`--timeout ${JSON.stringify(options.timeout)} must be a positive number of seconds`);
  return { base, token: token === '' ? undefined : token, timeoutMs: seconds * 1000 };
}

function isApiError(value: unknown): value is AdminErrorBody {
  const error = (value as { error?: unknown } | null)?.error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

/** A JSON request to the admin API; an error answer becomes ERR_CACHESET_CLI_ADMIN_REFUSED with its code. */
export async function adminRequest<T>(
  target: AdminTarget,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
  timeoutMs = target.timeoutMs,
): Promise<T> {
  const url = new URL(path, target.base);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(target.token === undefined ? {} : { authorization: `Bearer ${target.token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    const reason =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw cliError(
      CliErrorCodes.ADMIN_UNREACHABLE,
      `cannot reach the admin API at ${target.base.href} (${reason}); check --url and that the application runs`,
      { url: url.href },
    );
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    throw cliError(
      CliErrorCodes.ADMIN_UNREACHABLE,
      `${url.href} answered ${response.status} with something that is not JSON; does --url point at the admin mount?`,
      { url: url.href, status: response.status },
    );
  }
  if (!response.ok) {
    if (isApiError(parsed)) {
      const { code, message, problems } = parsed.error;
      const hint = response.status === 401 || response.status === 403 ? ' (pass --token or set CACHESET_TOKEN)' : '';
      throw cliError(CliErrorCodes.ADMIN_REFUSED, `the admin API refused: ${message}${hint}`, {
        status: response.status,
        apiCode: code,
        ...(problems === undefined ? {} : { problems }),
      });
    }
    throw cliError(
      CliErrorCodes.ADMIN_REFUSED,
      `${url.href} answered ${response.status}; does --url point at the admin mount?`,
      { status: response.status },
    );
  }
  return parsed as T;
}
