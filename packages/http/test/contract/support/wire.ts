import { request as httpRequest } from 'node:http';

export interface WireResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ', ' (set-cookie with '\n'). */
  readonly headers: Readonly<Record<string, string>>;
  /** Every header line as received, lower-case names, in order. */
  readonly lines: readonly (readonly [string, string])[];
  readonly body: Buffer;
  readonly text: string;
}

export interface WireRequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Send the headers first and the body this many ms later (a body that arrives in another packet). */
  readonly bodyDelayMs?: number;
}

/**
 * One HTTP/1.1 request with no client-side caching, redirects or decompression: what the wire says,
 * including how many times each header line was sent. (Like the repository's test/support rawRequest,
 * which this package's test project cannot import: it lies outside the project's rootDir.)
 */
export function wireRequest(url: string, options: WireRequestOptions = {}): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          const lines: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = (res.rawHeaders[i] as string).toLowerCase();
            const value = res.rawHeaders[i + 1] as string;
            lines.push([name, value]);
            headers[name] =
              headers[name] === undefined ? value : `${headers[name]}${name === 'set-cookie' ? '\n' : ', '}${value}`;
          }
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers, lines, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    if (options.body === undefined) {
      req.end();
    } else if (options.bodyDelayMs === undefined) {
      req.end(options.body);
    } else {
      req.setHeader('Content-Length', Buffer.byteLength(options.body));
      req.flushHeaders();
      const body = options.body;
      setTimeout(() => req.end(body), options.bodyDelayMs);
    }
  });
}

/** How many header lines named `name` the response carried. */
export function lineCount(response: WireResponse, name: string): number {
  return response.lines.filter(([n]) => n === name.toLowerCase()).length;
}

/** Sends a GET, reads the status line and the first body bytes, then drops the connection. */
export function disconnectAfterFirstBytes(
  url: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false, timeout: 10_000 }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve(res.statusCode ?? 0);
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') reject(error);
    });
    req.end();
  });
}

/** Waits until `check` holds (polling), or fails with `what` after `ms`. */
export async function eventually(check: () => boolean, what: string, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
