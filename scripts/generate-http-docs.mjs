#!/usr/bin/env node
// Generates the tables of docs/http.md from the real code: the operations and their options, and the
// headers each operation emits for each kind of request, computed by running @cacheset/http's engine
// on memory requests. Each table sits between
//   <!-- BEGIN generated: <name> (scripts/generate-http-docs.mjs) -->  and  <!-- END generated: <name> -->
// and packages/http/test/docs.spec.ts fails when docs/http.md differs from what this script writes.
//
//   npx tsc -b packages/http/tsconfig.build.json && node scripts/generate-http-docs.mjs
//
// Run directly, it imports the built packages (dist/); the test passes the TypeScript sources instead.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Container } from 'inversify';
import { shouldIgnoreRange } from '@cacheset/core/internal';
import { DateTime } from 'luxon';

export const DOCS_PATH = fileURLToPath(new URL('../docs/http.md', import.meta.url));

/** The fixed clock and the page every request asks for. */
const NOW = Date.parse('2026-11-02T12:00:00Z');
const LAST_MODIFIED = DateTime.fromISO('2026-11-01T09:30:00Z', { zone: 'utc' });
const RULESET = 'docs.page';
const ALICE = Object.freeze({ id: 'alice', roles: Object.freeze(['Member']) });
const VALIDATORS = Object.freeze({ etags: ['userid', 'resourceVersion'], lastModified: true });
const SHOWN = ['cache-control', 'expires', 'etag', 'last-modified', 'vary'];
const NOT_SHOWN = new Set([...SHOWN, 'content-type', 'x-cache-rule', 'x-cache-operation', 'set-cookie']);

class Page {}

const strictLogger = {
  warn(message) {
    throw new Error(`generate-http-docs: unexpected warning: ${message}`);
  },
  error(message) {
    throw new Error(`generate-http-docs: unexpected error: ${message}`);
  },
};

/**
 * Runs one request through a fresh HttpCaching with the given policy: intercept, then (unless it
 * answered) "render" with `render.status` / `render.headers`, then modify. Returns what was sent.
 */
async function exchange(modules, c) {
  const { http, core } = modules;
  const container = new Container();
  core.bindAdapter(container, {
    provides: core.ILastModified,
    for: Page,
    factory: () => ({ lastModified: () => LAST_MODIFIED }),
  });
  core.bindAdapter(container, {
    provides: core.ISurrogateKeys,
    for: Page,
    factory: () => ({ getKeys: () => ['page:1', 'pages'] }),
  });
  const caching = http.createHttpCaching({
    policy: c.policy ?? {
      operationMapping: { [RULESET]: c.operation },
      operations: { [c.operation]: { options: c.options ?? {} } },
      ...(c.debugHeaders === undefined ? {} : { debugHeaders: c.debugHeaders }),
    },
    rulesets: new core.RulesetRegistry(),
    container,
    resourceVersion: 'v42',
    now: () => NOW,
    logger: strictLogger,
    ...c.settings,
  });
  const response = core.memoryResponse();
  const exchange = core.createExchange({
    request: core.memoryRequest({
      method: c.method ?? 'GET',
      url: c.url ?? '/page',
      headers: c.headers ?? {},
      ...(c.user ? { user: ALICE } : {}),
    }),
    response,
    published: new Page(),
    rulesetHint: c.ruleset ?? RULESET,
    adapters: caching.adapters,
  });
  http.attachHttpSettings(exchange, caching.settings);
  const outcome = await caching.engine.intercept(exchange);
  if (outcome === undefined) {
    response.status = c.render?.status ?? 200;
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    for (const [name, value] of Object.entries(c.render?.headers ?? {})) response.setHeader(name, value);
    caching.engine.modify(exchange);
  }
  return { status: response.status, headers: response.headers(), ignoreRange: shouldIgnoreRange(exchange) };
}

/**
 * The case's NODE_ENV (development unless it says otherwise) while its caching is created, which is
 * when the policy reads it: the tables do not depend on the environment the generator runs in.
 */
async function withNodeEnv(nodeEnv, work) {
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = nodeEnv ?? 'development';
  try {
    return await work();
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
}

/** Runs a case twice: a header that differs between the runs is random per request. */
async function run(modules, c) {
  const once = () => withNodeEnv(c.nodeEnv, () => exchange(modules, c));
  const [a, b] = [await once(), await once()];
  const headers = { ...a.headers };
  for (const [name, value] of Object.entries(headers)) {
    if (b.headers[name] !== value)
      headers[name] = name === 'etag' ? (value.startsWith('W/') ? 'W/"<random>"' : '"<random>"') : '<varies>';
  }
  return { ...a, headers };
}

function expires(value) {
  if (value === undefined) return '—';
  const offset = Math.round((Date.parse(value) - NOW) / 1000);
  if (offset <= -365 * 86_400) return 'past';
  return offset === 0 ? 'now' : `now ${offset > 0 ? '+' : '−'} ${duration(Math.abs(offset))}`;
}

function duration(seconds) {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ]) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** A value as it would be written in a policy in code. */
const literal = (value) =>
  Array.isArray(value)
    ? `[${value.map(literal).join(', ')}]`
    : typeof value === 'string'
      ? `'${value}'`
      : String(value);
const code = (value) => (value === undefined || value === '' ? '—' : `\`${String(value).replaceAll('|', '\\|')}\``);
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
const row = (cells) => `| ${cells.join(' | ')} |`;
const table = (head, rows) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

function others(headers) {
  const rest = Object.entries(headers).filter(([name]) => !NOT_SHOWN.has(name));
  return rest.length === 0 ? '—' : rest.map(([name, value]) => code(`${name}: ${value}`)).join('<br>');
}

function showDefault(spec) {
  const value = spec.default;
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : code(value.join(', '));
  if (spec.kind === 'duration' && typeof value === 'number') return value === 0 ? '0' : `${value} (${duration(value)})`;
  return code(value);
}

function operationsOf(modules) {
  const registry = modules.http.registerHttpOperations(new modules.core.OperationRegistry());
  return registry
    .names()
    .map((name) => registry.get(name))
    .sort((a, b) => a.sort - b.sort);
}

/** The operations, then every option with its default per operation ("·": not an option of it). */
function optionsSection(modules) {
  const operations = operationsOf(modules);
  const list = table(
    ['operation', 'title', 'what it does'],
    operations.map((op) => [code(op.name), cell(op.title), cell(op.description)]),
  );
  const names = [];
  for (const op of operations) for (const name of Object.keys(op.options)) if (!names.includes(name)) names.push(name);
  const described = (name) => operations.map((op) => op.options[name]).find((spec) => spec !== undefined);
  const matrix = table(
    ['option', 'kind', ...operations.map((op) => code(op.name)), 'meaning'],
    names.map((name) => {
      const spec = described(name);
      return [
        code(name),
        cell(spec.kind),
        ...operations.map((op) => (op.options[name] === undefined ? '·' : showDefault(op.options[name]))),
        cell(spec.description),
      ];
    }),
  );
  return `${list}\n\n${matrix}`;
}

const METHODS = ['GET', 'HEAD', 'POST'];

/** Every operation × validators configured or not × anonymous or authenticated × GET/HEAD/POST. */
async function headersSection(modules) {
  const parts = [];
  for (const op of operationsOf(modules)) {
    if (op.name === 'chain') continue;
    const validatorChoices = op.options.etags === undefined ? [false] : [false, true];
    const rows = [];
    for (const validators of validatorChoices) {
      for (const user of [false, true]) {
        const results = [];
        for (const method of METHODS)
          results.push({
            method,
            result: await run(modules, { operation: op.name, options: validators ? VALIDATORS : {}, method, user }),
          });
        // Methods with identical headers share a row (HEAD always gets GET's).
        const groups = [];
        for (const { method, result } of results) {
          const key = JSON.stringify(result.headers);
          const group = groups.find((g) => g.key === key);
          if (group === undefined) groups.push({ key, methods: [method], result });
          else group.methods.push(method);
        }
        for (const { methods, result } of groups) {
          const h = result.headers;
          rows.push([
            ...(op.options.etags === undefined ? [] : [validators ? 'yes' : 'no']),
            user ? 'authenticated' : 'anonymous',
            methods.join(', '),
            code(h['cache-control']),
            expires(h.expires),
            code(h.etag),
            h['last-modified'] === undefined ? '—' : 'yes',
            code(h.vary),
          ]);
        }
      }
    }
    const head = [
      ...(op.options.etags === undefined ? [] : ['validators']),
      'user',
      'method',
      'Cache-Control',
      'Expires',
      'ETag',
      'Last-Modified',
      'Vary',
    ];
    parts.push(`#### \`${op.name}\`\n\n${table(head, rows)}`);
  }
  return parts.join('\n\n');
}

/** Single options and situations, each against the operation's defaults. */
async function effectsSection(modules) {
  const cases = [
    ['strongCaching', { smaxage: '1h' }, {}, 'anonymous GET'],
    ['strongCaching', { maxage: 0, smaxage: 60 }, {}, 'anonymous GET'],
    ['strongCaching', { maxage: '1y', immutable: true }, {}, 'anonymous GET'],
    ['strongCaching', { noTransform: true }, {}, 'anonymous GET'],
    ['strongCaching', { anonOnly: true }, {}, 'anonymous GET'],
    ['strongCaching', { anonOnly: true }, { user: true }, 'authenticated GET'],
    ['moderateCaching', { vary: 'Accept-Language' }, {}, 'anonymous GET'],
    ['moderateCaching', { vary: 'Accept-Language' }, { user: true }, 'authenticated GET'],
    ['moderateCaching', { staleWhileRevalidate: 60, staleIfError: '1d' }, {}, 'anonymous GET'],
    ['moderateCaching', { surrogateMaxage: '1d', cdnMaxage: '1h' }, {}, 'anonymous GET'],
    ['moderateCaching', {}, { settings: { behindProxy: true } }, 'anonymous GET, `behindProxy: true`'],
    [
      'moderateCaching',
      {},
      { settings: { behindProxy: true, surrogateKeyHeader: 'Surrogate-Key' } },
      "anonymous GET, `behindProxy: true, surrogateKeyHeader: 'Surrogate-Key'`",
    ],
    [
      'moderateCaching',
      {},
      { settings: { behindProxy: true, surrogateKeyHeader: 'Cache-Tag' } },
      "anonymous GET, `behindProxy: true, surrogateKeyHeader: 'Cache-Tag'`",
    ],
    [
      'moderateCaching',
      { surrogateKeys: false },
      { settings: { behindProxy: true } },
      'anonymous GET, `behindProxy: true`',
    ],
    [
      'moderateCaching',
      {},
      { render: { headers: { 'Set-Cookie': 'cart=1' } } },
      'anonymous GET; the view sets a cookie',
    ],
    [
      'moderateCaching',
      {},
      { render: { headers: { 'Cache-Control': 'private' } } },
      'anonymous GET; the view sent `Cache-Control: private`',
    ],
    [
      'strongCaching',
      {},
      { render: { status: 302, headers: { Location: '/elsewhere' } } },
      'anonymous GET; the view answers 302',
    ],
    ['strongCaching', {}, { render: { status: 204 } }, 'anonymous GET; the view answers 204'],
    [
      'strongCaching',
      { publicStatuses: [301, 308] },
      { render: { status: 301, headers: { Location: '/elsewhere' } } },
      'anonymous GET; the view answers 301',
    ],
    ['strongCaching', {}, { render: { headers: { Vary: '*' } } }, 'anonymous GET; the view sent `Vary: *`'],
    ['moderateCaching', {}, { render: { status: 404 } }, 'anonymous GET; the view answers 404'],
    ['moderateCaching', { publicErrors: true }, { render: { status: 404 } }, 'anonymous GET; the view answers 404'],
    [
      'moderateCaching',
      VALIDATORS,
      { url: '/page?statusmessages=saved', settings: { cacheStopRequestVariables: ['statusmessages'] } },
      'anonymous GET `/page?statusmessages=saved`, `cacheStopRequestVariables: [statusmessages]`',
    ],
    ['weakCaching', { etags: ['resourceVersion'], weakETag: true }, {}, 'anonymous GET'],
    ['terseCaching', {}, { user: true }, 'authenticated GET'],
    ['noCaching', { noStore: true }, {}, 'anonymous GET'],
  ];
  const rows = [];
  for (const [operation, options, extra, request] of cases) {
    const { headers: h, status } = await run(modules, { operation, options, ...extra });
    const shown = Object.entries(options)
      .map(([k, v]) => `${k}: ${literal(v)}`)
      .join(', ');
    rows.push([
      code(operation),
      shown === '' ? 'defaults' : code(`{ ${shown} }`),
      cell(request),
      String(status),
      code(h['cache-control']),
      expires(h.expires),
      code(h.etag),
      code(h.vary),
      others(h),
    ]);
  }
  return table(
    ['operation', 'options', 'request', 'status', 'Cache-Control', 'Expires', 'ETag', 'Vary', 'other headers'],
    rows,
  );
}

/** RFC 9110 §13.2.2 in practice, against a page whose ETag is "|v42" and Last-Modified is known. */
async function conditionalSection(modules) {
  const lm = LAST_MODIFIED.toHTTP();
  const earlier = LAST_MODIFIED.minus({ days: 1 }).toHTTP();
  const cases = [
    ['GET', {}],
    ['GET', { 'If-None-Match': '"|v42"' }],
    ['GET', { 'If-None-Match': 'W/"|v42"' }],
    ['GET', { 'If-None-Match': '"|v41", "|v42"' }],
    ['GET', { 'If-None-Match': '*' }],
    ['GET', { 'If-None-Match': '"|v41"' }],
    ['GET', { 'If-None-Match': '' }],
    ['GET', { 'If-Modified-Since': lm }],
    ['GET', { 'If-Modified-Since': earlier }],
    ['GET', { 'If-Modified-Since': 'yesterday' }],
    ['GET', { 'If-None-Match': '"|v41"', 'If-Modified-Since': lm }],
    ['HEAD', { 'If-None-Match': '"|v42"' }],
    ['POST', { 'If-None-Match': '"|v42"' }],
    ['POST', { 'If-Modified-Since': lm }],
    ['GET', { 'If-Match': '"|v42"' }],
    ['PUT', { 'If-Match': '"|v41"' }],
    ['PUT', { 'If-Unmodified-Since': earlier }],
    ['GET', { Range: 'bytes=0-99', 'If-Range': '"|v42"' }],
    ['GET', { Range: 'bytes=0-99', 'If-Range': '"|v41"' }],
  ];
  const rows = [];
  for (const [method, headers] of cases) {
    const result = await run(modules, {
      operation: 'moderateCaching',
      options: { etags: ['resourceVersion'], lastModified: true, vary: 'Accept-Language' },
      method,
      headers,
    });
    const sent = Object.keys(result.headers)
      .filter((name) => !['x-cache-rule', 'x-cache-operation'].includes(name))
      .sort();
    const request = Object.entries(headers).map(([name, value]) => (value === '' ? `${name}:` : `${name}: ${value}`));
    const outcome = result.status === 304 ? '**304**' : result.status === 412 ? '**412**' : String(result.status);
    rows.push([
      method,
      request.length === 0
        ? '—'
        : request
            .map(
              (r) =>
                `${code(r.replace(lm, '<Last-Modified>').replace(earlier, '<a day earlier>'))}${r.endsWith(':') ? ' (empty)' : ''}`,
            )
            .join('<br>'),
      `${outcome}${result.ignoreRange ? ', Range ignored (full body)' : ''}`,
      sent.length === 0 ? '—' : sent.join(', '),
    ]);
  }
  return table(['method', 'request headers', 'answer', 'headers sent'], rows);
}

/** Which debug headers appear, and how the policy switches them off. */
async function debugSection(modules) {
  const page = { operationMapping: { [RULESET]: 'moderateCaching' } };
  const cases = [
    ['`moderateCaching`', page, {}],
    [
      '`moderateCaching`, `debugHeaders: { rule: false, operation: false }`',
      { ...page, debugHeaders: { rule: false, operation: false } },
      {},
    ],
    [
      '`moderateCaching` with `etags: [resourceVersion]`, answered 304',
      { ...page, operations: { moderateCaching: { options: { etags: ['resourceVersion'] } } } },
      { headers: { 'If-None-Match': '"|v42"' } },
    ],
    [
      '`chain` of `strongCaching`, `moderateCaching`',
      {
        operationMapping: { [RULESET]: 'chain' },
        operations: { chain: { options: { operations: ['strongCaching', 'moderateCaching'] } } },
      },
      {},
    ],
    [
      '`chain`, `debugHeaders: { chainOperations: false }`',
      {
        operationMapping: { [RULESET]: 'chain' },
        operations: { chain: { options: { operations: ['strongCaching', 'moderateCaching'] } } },
        debugHeaders: { chainOperations: false },
      },
      {},
    ],
    ['`moderateCaching`, created with `NODE_ENV=production`', page, { nodeEnv: 'production' }],
    [
      '`moderateCaching`, created with `NODE_ENV=production`, `debugHeaders: { rule: true, operation: true }`',
      { ...page, debugHeaders: { rule: true, operation: true } },
      { nodeEnv: 'production' },
    ],
    ['ruleset found but not mapped to an operation', { operationMapping: { 'docs.other': 'moderateCaching' } }, {}],
    ['`enabled: false`', { ...page, enabled: false }, {}],
  ];
  const rows = [];
  for (const [label, policy, extra] of cases) {
    const { headers: h, status } = await run(modules, { policy, ...extra });
    rows.push([
      label,
      String(status),
      code(h['x-cache-rule']),
      code(h['x-cache-operation']),
      code(h['x-cache-chain-operations']),
      code(h['cache-control']),
    ]);
  }
  return table(
    ['policy', 'status', 'X-Cache-Rule', 'X-Cache-Operation', 'X-Cache-Chain-Operations', 'Cache-Control'],
    rows,
  );
}

/** Every generated section by name, in document order. */
export async function renderSections(modules) {
  return new Map([
    ['operations-and-options', optionsSection(modules)],
    ['headers-by-operation', await headersSection(modules)],
    ['option-effects', await effectsSection(modules)],
    ['conditional-requests', await conditionalSection(modules)],
    ['debug-headers', await debugSection(modules)],
  ]);
}

/** `text` with each generated section replaced; throws when a section's markers are missing. */
export function applySections(text, sections) {
  let out = text;
  for (const [name, body] of sections) {
    const begin = `<!-- BEGIN generated: ${name} (scripts/generate-http-docs.mjs) -->`;
    const end = `<!-- END generated: ${name} -->`;
    const from = out.indexOf(begin);
    const to = out.indexOf(end, from);
    if (from < 0 || to < 0)
      throw new Error(`docs/http.md lacks the markers of the generated section '${name}':\n${begin}\n${end}`);
    out = `${out.slice(0, from + begin.length)}\n${body}\n${out.slice(to)}`;
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const modules = { http: await import('@cacheset/http'), core: await import('@cacheset/core') };
  const text = await readFile(DOCS_PATH, 'utf8');
  const updated = applySections(text, await renderSections(modules));
  if (updated === text) console.log('docs/http.md is up to date');
  else {
    await writeFile(DOCS_PATH, updated);
    console.log('updated docs/http.md');
  }
}
