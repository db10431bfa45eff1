import type { IncomingMessage, ServerResponse } from 'node:http';
import { CachesetError, describeValue } from '@cacheset/core';
import { PurgeErrorCodes, purgeError } from '../errors/purgeErrorCodes.js';
import type { ManualPurge, Purger } from '../Purger.js';
import { bearerToken, tokenMatches } from './tokenMatches.js';
import { OptionReader } from '@cacheset/core/internal';

export interface PurgeEndpointOptions {
  /**
   * The operators' secret, sent as `Authorization: Bearer <token>`; at least 16 characters. Without a
   * token (undefined or '') the endpoint answers 403 to every request, so it can stay mounted in
   * every environment and be switched on by configuration (an environment variable, say).
   */
  readonly token: string | undefined;
  /** Largest request body accepted (bytes). Default 65 536. */
  readonly maxBodyBytes?: number;
}

const MIN_TOKEN = 16;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json; charset=utf-8',
): void {
  if (res.headersSent) return;
  const text = typeof body === 'string' ? body : `${JSON.stringify(body, null, 2)}\n`;
  res.statusCode = status;
  // Operator answers and statistics must never be cached by the very proxies being purged.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<string | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const LIST_KEYS = { paths: 'path', absolutePaths: 'absolutePath', tags: 'tag', bans: 'ban' } as const;

/** Reads `?path=/a&tag=x` and a JSON body `{ "paths": [...], "tags": [...] }` into one request. */
function parseInput(url: URL, body: unknown): ManualPurge {
  const collected: Record<keyof typeof LIST_KEYS, string[]> = { paths: [], absolutePaths: [], tags: [], bans: [] };
  for (const [key, param] of Object.entries(LIST_KEYS) as [keyof typeof LIST_KEYS, string][])
    collected[key].push(...url.searchParams.getAll(param));
  if (body !== undefined) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw purgeError(
        PurgeErrorCodes.INVALID_PATH,
        `The body must be a JSON object such as {"paths": ["/a"], "tags": ["image-1"]}, got ${describeValue(body)}.`,
        body,
      );
    }
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (!(key in LIST_KEYS))
        throw purgeError(
          PurgeErrorCodes.INVALID_PATH,
          `Unknown key ${JSON.stringify(key)}; use paths, absolutePaths, tags and bans.`,
          key,
        );
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || list.some((v) => typeof v !== 'string'))
        throw purgeError(
          PurgeErrorCodes.INVALID_PATH,
          `${key} must be a list of strings, got ${describeValue(value)}.`,
          value,
        );
      collected[key as keyof typeof LIST_KEYS].push(...(list as string[]));
    }
  }
  return collected;
}

/**
 * The operators' purge endpoint, a node:http handler (mount it on a route of your server, Express
 * `app.use('/_cacheset/purge', handler)`, or any adapter that hands over `req` and `res`):
 *
 * - `POST ?path=/images/cat&tag=gallery-1` or a JSON body `{"paths":[], "absolutePaths":[], "tags":[], "bans":[]}`:
 *   purges now, synchronously, and answers 200 with every proxy's outcome, or 502 when one failed;
 * - `GET`: statistics and history as JSON; `GET ?format=prometheus`: metrics text;
 * - without the token (or when no token is configured): 403.
 */
const ENDPOINT_KEYS = ['token', 'maxBodyBytes'] satisfies readonly (keyof PurgeEndpointOptions)[];

// Typed explicitly: a method returning never narrows control flow only through an annotated reference.
const endpointOptions: OptionReader = new OptionReader(
  (message, value) => purgeError(PurgeErrorCodes.INVALID_ENDPOINT_OPTIONS, message, value),
  'purgeEndpoint: ',
);

export function purgeEndpoint(purger: Purger, options: PurgeEndpointOptions): Handler {
  endpointOptions.record('options', options, 'an object { token }');
  endpointOptions.keys('', options, ENDPOINT_KEYS);
  const token = options.token;
  if (token !== undefined && typeof token !== 'string') endpointOptions.invalid('token', 'must be a string', token);
  if (token !== undefined && token !== '' && (token.length < MIN_TOKEN || /\s/.test(token))) {
    throw purgeError(
      PurgeErrorCodes.INVALID_ENDPOINT_OPTIONS,
      `purgeEndpoint: the token must be at least ${MIN_TOKEN} characters without whitespace (for example: openssl rand -hex 32).`,
    );
  }
  const maxBodyBytes = options.maxBodyBytes ?? 65_536;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1)
    endpointOptions.invalid('maxBodyBytes', 'must be a positive integer', maxBodyBytes);
  const enabled = token !== undefined && token !== '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const presented = bearerToken(req.headers.authorization);
    if (token === undefined || token === '' || presented === undefined || !tokenMatches(presented, token)) {
      req.resume();
      send(res, 403, {
        error: enabled
          ? 'A valid token is required: Authorization: Bearer <token>.'
          : 'The purge endpoint has no token configured.',
      });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://endpoint.invalid');
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') {
      req.resume();
      if (url.searchParams.get('format') === 'prometheus')
        send(res, 200, await purger.metrics(), 'text/plain; version=0.0.4; charset=utf-8');
      else send(res, 200, { statistics: purger.statistics(), history: purger.history(), proxies: purger.proxies });
      return;
    }
    if (method !== 'POST') {
      req.resume();
      res.setHeader('Allow', 'GET, HEAD, POST');
      send(res, 405, { error: `${method} is not allowed; POST purges, GET shows statistics.` });
      return;
    }
    let body: unknown;
    const preParsed = (req as { body?: unknown }).body;
    if (preParsed !== undefined && typeof preParsed === 'object' && !Buffer.isBuffer(preParsed)) {
      // A framework's body parser already read it (Express json()).
      body = Object.keys(preParsed as object).length === 0 ? undefined : preParsed;
    } else {
      const text = await readBody(req, maxBodyBytes);
      if (text === 'too-large') {
        send(res, 413, { error: `The body is larger than ${maxBodyBytes} bytes.` });
        return;
      }
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          send(res, 400, { error: 'The body is not JSON.' });
          return;
        }
      }
    }
    let input: ManualPurge;
    try {
      input = parseInput(url, body);
    } catch (error) {
      send(res, 400, {
        error: error instanceof Error ? error.message : String(error),
        code: CachesetError.is(error) ? error.code : undefined,
      });
      return;
    }
    if (
      (input.paths?.length ?? 0) +
        (input.absolutePaths?.length ?? 0) +
        (input.tags?.length ?? 0) +
        (input.bans?.length ?? 0) ===
      0
    ) {
      send(res, 400, {
        error: 'Nothing to purge: give path, absolutePath, tag or ban (query parameters or a JSON body).',
      });
      return;
    }
    try {
      const report = await purger.purgeNow(input);
      send(res, report.ok ? 200 : 502, report);
    } catch (error) {
      const code = CachesetError.is(error) ? error.code : undefined;
      const status =
        code === PurgeErrorCodes.DISABLED || code === PurgeErrorCodes.CLOSED ? 503 : code !== undefined ? 400 : 500;
      send(res, status, { error: error instanceof Error ? error.message : String(error), code });
    }
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      try {
        purger.logger.error('cacheset purge: the purge endpoint failed.', { error });
      } catch {
        // never let logging break the answer
      }
      if (!res.headersSent) send(res, 500, { error: 'The purge endpoint failed; see the server log.' });
      else res.destroy();
    });
  };
}
