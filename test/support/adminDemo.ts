import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { startDemo, type Demo, type DemoOptions } from './demo.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface AdminAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  json<T = unknown>(): T;
}

export interface AdminRequest {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The client address (any of 127.0.0.0/8): failed log-ins are counted per address. */
  readonly from?: string;
}

/** One request to the site, from a chosen loopback address, with nothing cached or followed. */
export function adminRequest(url: string, options: AdminRequest = {}): Promise<AdminAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
        timeout: 20_000,
        ...(options.from === undefined ? {} : { localAddress: options.from }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) headers[k] = Array.isArray(v) ? v.join('\n') : v;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers, text, json: <T>() => JSON.parse(text) as T });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface AdminDemo {
  readonly demo: Demo;
  /** `http://127.0.0.1:<port>/_cacheset/` */
  readonly admin: string;
  readonly policyFile: string;
  /** A JSON API call with the bearer token. */
  api(method: string, route: string, body?: unknown): Promise<AdminAnswer>;
  /** Logs in through the form: the session cookie and the CSRF token of the screens' forms. */
  login(): Promise<{ readonly cookie: string; readonly csrf: string }>;
  policyText(): Promise<string>;
  stop(): Promise<void>;
}

/** The gallery with its control panel, on a fresh data folder, with a known admin token. */
export async function startAdminDemo(options: DemoOptions = {}): Promise<AdminDemo> {
  const demo = await startDemo({ ...options, env: { CACHESET_ADMIN_TOKEN: ADMIN_TOKEN, ...options.env } });
  const admin = `${demo.base}/_cacheset/`;
  const policyFile = `${demo.dataDir}/cacheset.yaml`;
  return {
    demo,
    admin,
    policyFile,
    api: (method, route, body) =>
      adminRequest(`${admin}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    async login() {
      const form = await adminRequest(`${admin}login`);
      const loginCookie = (form.headers['set-cookie'] ?? '').split(';')[0] ?? '';
      const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
      const answer = await adminRequest(`${admin}login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
        body: new URLSearchParams({ token: ADMIN_TOKEN, csrf }).toString(),
      });
      const session = (answer.headers['set-cookie'] ?? '').split('\n').find((c) => c.startsWith('cacheset_admin='));
      if (answer.status !== 303 || session === undefined) throw new Error(`admin login failed: ${answer.status}`);
      const cookie = session.split(';')[0] as string;
      const page = await adminRequest(admin, { headers: { cookie } });
      const token = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1];
      if (token === undefined) throw new Error('no CSRF token on the overview');
      return { cookie, csrf: token };
    },
    policyText: () => readFile(policyFile, 'utf8'),
    stop: () => demo.stop(),
  };
}
