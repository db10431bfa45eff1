import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, startSite, type DemoSettings, type RunningSite } from '@cacheset/demo';
import { rawRequest, type RawResponse } from './httpRequest.js';

export interface DemoOptions {
  /** Environment settings (REDIS_URL, PURGE_PROXIES, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Images generated on start. Default 6 (enough for a story, quick to draw). */
  readonly images?: number;
}

export interface Demo {
  readonly running: RunningSite;
  readonly settings: DemoSettings;
  readonly dataDir: string;
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  readonly base: string;
  get(path: string, headers?: Readonly<Record<string, string>>): Promise<RawResponse>;
  /** The editing API, with the editor token. */
  api(method: 'POST' | 'DELETE', id: string, body?: unknown): Promise<RawResponse>;
  /** Logs in through the form and returns the session cookie header. */
  login(): Promise<string>;
  renders(path: string): number;
  stop(): Promise<void>;
}

export const EDITOR_TOKEN = 'test-editor-token-0123456789';

/**
 * The gallery as `npm start` runs it, in this process (so tests can count renders), on a fresh data
 * folder and a free port, with the given settings on top of the embedded defaults.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cacheset-demo-test-'));
  // nginx's workers run as another user when the tests run as root: the dump must be readable.
  await chmod(dataDir, 0o755);
  const settings = loadSettings([], {
    PORT: '0',
    CACHESET_DATA_DIR: dataDir,
    DEMO_EDITOR_TOKEN: EDITOR_TOKEN,
    ...options.env,
  });
  const quiet = { warn: () => undefined, error: (message: string) => console.error(message) };
  const running = await startSite(settings, { seedImages: options.images ?? 6, logger: quiet });
  const base = running.url.replace(/\/$/, '');
  return {
    running,
    settings,
    dataDir,
    base,
    get: (path, headers = {}) => rawRequest(`${base}${path}`, { headers }),
    api: (method, id, body) =>
      rawRequest(`${base}/api/images/${id}`, {
        method,
        headers: {
          authorization: `Bearer ${EDITOR_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    async login() {
      const form = await rawRequest(`${base}/login`);
      const csrfCookie = (form.headers['set-cookie'] ?? '').split(';')[0] ?? '';
      const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
      const answer = await rawRequest(`${base}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
        body: new URLSearchParams({ token: EDITOR_TOKEN, csrf, next: '/' }).toString(),
      });
      const session = (answer.headers['set-cookie'] ?? '').split('\n').find((c) => c.startsWith('gallery_session='));
      if (answer.status !== 303 || session === undefined)
        throw new Error(`login failed: ${answer.status} ${answer.text.slice(0, 200)}`);
      return session.split(';')[0] as string;
    },
    renders: (path) => running.site.renders.count(path),
    async stop() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
