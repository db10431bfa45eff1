import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { specName, type ExplainReport, type LayerVerdict } from '@cacheset/core';
import type { AdminExplanation, ExplainedOperation, LayerStorage } from '../api/AdminApiTypes.js';
import type { AdminCaching, ExplainUser } from '../AdminSources.js';
import { adminError, AdminErrorCodes } from '../errors/adminErrorCodes.js';
import { judgeHttpCache } from './judgeHttpCaches.js';

/** What to explain: the API's query, or the explain screen's form. */
export interface ExplainQuery {
  readonly url: string;
  readonly method: string;
  /** Extra request headers, `Name: value`. */
  readonly headers: readonly string[];
  /** A name of `users`, or undefined for an anonymous request. */
  readonly user: string | undefined;
}

export interface ExplainContext {
  readonly caching: AdminCaching;
  readonly users: Readonly<Record<string, ExplainUser>>;
  /** Where the application answers: `http://127.0.0.1:3000`. */
  readonly origin: URL;
  readonly ramConfigured: boolean;
  readonly diskConfigured: boolean;
}

/** Headers a response has that belong to the connection or the moment, not to the application's caching. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
const TIMEOUT_MS = 10_000;
const METHODS = ['GET', 'HEAD'];

function bad(message: string): Error {
  return adminError(AdminErrorCodes.BAD_REQUEST, 400, message);
}

/** The path and query to request, and the Host to send, from a path or an absolute URL of the application. */
function target(url: string, origin: URL): { path: string; host: string } {
  if (url.startsWith('/') && !url.startsWith('//')) return { path: url, host: origin.host };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad(`url: ${JSON.stringify(url)} is neither a path (/images/1) nor an absolute http(s) URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw bad(`url: ${JSON.stringify(url)} is not an http(s) URL.`);
  return { path: `${parsed.pathname}${parsed.search}`, host: parsed.host };
}

function requestHeaders(query: ExplainQuery, users: ExplainContext['users']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of query.headers) {
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) throw bad(`header: ${JSON.stringify(line)} is not "Name: value".`);
    headers[name] = line.slice(colon + 1).trim();
  }
  if (query.user !== undefined) {
    const user = users[query.user];
    if (user === undefined)
      throw bad(
        `user: ${JSON.stringify(query.user)} is not a user this application can explain as; known: ${Object.keys(users).join(', ') || 'none'}.`,
      );
    for (const [name, value] of Object.entries(user.headers())) headers[name.toLowerCase()] = value;
  }
  return headers;
}

function send(
  origin: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: origin.hostname.replace(/^\[|\]$/g, ''), port: origin.port, method, path, headers, agent: false },
      (res: IncomingMessage) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

function flat(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || TRANSPORT.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(name === 'set-cookie' ? '\n' : ', ') : value;
  }
  return out;
}

const LAYER_NAMES: Readonly<Record<string, LayerStorage['layer']>> = { ram: 'ram', fs: 'nginx-dump' };

function ownLayer(name: 'ram' | 'fs', verdicts: readonly LayerVerdict[], configured: boolean): LayerStorage {
  const layer = LAYER_NAMES[name] as LayerStorage['layer'];
  const verdict = verdicts.find((v) => v.layer === name);
  if (verdict === undefined) return { layer, stores: false, reason: configured ? 'not-asked' : 'not-configured' };
  const ttl = verdict.detail?.ttlSeconds;
  return {
    layer,
    stores: verdict.stores,
    ...(typeof ttl === 'number' ? { ttlSeconds: ttl } : {}),
    ...(verdict.reason === undefined ? {} : { reason: verdict.reason }),
    ...(verdict.detail === undefined ? {} : { detail: verdict.detail }),
  };
}

function operationsOf(report: ExplainReport): ExplainedOperation[] {
  return report.operations.map((o) => ({
    name: o.name,
    options: o.options.map((option) => ({ name: option.name, value: option.value ?? null, source: option.origin })),
  }));
}

/**
 * Explains one URL: sends the application one real request for it, marked as explained (the mark
 * works once, in this process), and turns the report into what the explain screen shows, with the
 * browser's and the proxies' verdicts judged on the response the application actually sent. The
 * request runs dry: nothing is stored in any cache, nothing is purged.
 */
export async function explainUrl(context: ExplainContext, query: ExplainQuery): Promise<AdminExplanation> {
  const method = query.method.toUpperCase();
  if (!METHODS.includes(method))
    throw bad(`method: ${JSON.stringify(query.method)} cannot be explained; use GET or HEAD (only they are cached).`);
  const { path, host } = target(query.url, context.origin);
  const given = requestHeaders(query, context.users);
  const prepared = context.caching.prepareExplain();
  let answer: { status: number; headers: IncomingHttpHeaders };
  try {
    answer = await send(context.origin, method, path, { host, ...given, ...prepared.headers });
  } catch (error) {
    prepared.cancel();
    throw adminError(
      AdminErrorCodes.EXPLAIN_FAILED,
      503,
      `The application did not answer the explained request for ${path} at ${context.origin.origin}: ${(error as Error).message}.`,
    );
  }
  let report: ExplainReport;
  try {
    report = await prepared.report;
  } catch (error) {
    throw adminError(
      AdminErrorCodes.EXPLAIN_FAILED,
      503,
      `The request for ${path} was answered without passing through cacheset (${(error as Error).message}); ` +
        'is the caching adapter installed on this server?',
    );
  }
  const headers = flat(answer.headers);
  const ruleset = report.ruleset;
  const explanation = ruleset?.explanation;
  const operations = operationsOf(report);
  const mapped = ruleset === undefined ? undefined : context.caching.engine.policy.operationFor(ruleset.ruleset);
  const url = new URL(path, `http://${host}`).toString();
  const judged = { method, url, headers: given };
  const response = { status: answer.status, headers };
  return {
    url: path,
    method,
    user: query.user ?? null,
    view: explanation?.order[0] ?? null,
    ruleset: {
      name: ruleset?.ruleset ?? null,
      via: ruleset?.via ?? null,
      matchedBy: explanation?.match === undefined ? null : specName(explanation.match.spec),
      order: explanation?.order ?? [],
      candidates: (explanation?.alsoMatching ?? []).map((m) => ({ spec: specName(m.spec), ruleset: m.ruleset })),
    },
    operations,
    operation: operations.find((o) => o.name === mapped) ?? null,
    etag:
      report.etag === undefined
        ? null
        : { components: report.etag.components.map((c) => ({ name: c.name, value: c.value ?? null })) },
    headers,
    status: answer.status,
    answeredBy: report.answeredBy ?? null,
    layers: [
      judgeHttpCache('browser', judged, response),
      judgeHttpCache('proxy', judged, response),
      ownLayer('fs', report.layers, context.diskConfigured),
      ownLayer('ram', report.layers, context.ramConfigured),
    ],
    notes: report.notes,
    suppressedEvents: report.suppressedEvents,
  };
}
