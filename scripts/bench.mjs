#!/usr/bin/env node
/**
 * `npm run bench`: runs every benchmark in bench/ (built to bench/dist), bounded so the whole run
 * takes about 15 minutes on the project's 2-core machine, reads each one's last JSON line
 * (`{"bench":"<name>","rows":[...]}`), and regenerates the results section of docs/performance.md
 * (between its `bench-results` markers) and the layers chart docs/images/bench-layers.svg.
 *
 *   npm run bench [-- --check] [-- --only http304,ramHit] [-- --no-write]
 *
 * `--check` exits non-zero when a row misses its bar or a benchmark failed. A miss is always printed
 * and written to the document, never hidden.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const check = argv.includes('--check');
const write = !argv.includes('--no-write');
const onlyAt = argv.indexOf('--only');
const only = onlyAt < 0 ? undefined : new Set((argv[onlyAt + 1] ?? '').split(','));

/** Bounded arguments per benchmark (the defaults of each are for a longer, standalone run). */
const ARGS = {
  coreLookup: [],
  coreGrowth: [],
  ramGet: [],
  valueCache: [],
  ramMemory: [],
  http304: ['--repetitions', '5', '--rounds', '2', '--seconds', '2'],
  httpFull200: ['--repetitions', '5', '--rounds', '2', '--seconds', '2'],
  ramHit: ['--repetitions', '5', '--rounds', '2', '--seconds', '2'],
  httpInProcess: ['--rounds', '7', '--requests', '10000'],
  fsServe: ['--seconds', '2', '--rounds', '3'],
  varnishHit: ['--rounds', '3', '--seconds', '2'],
  purgeThroughput: ['20000', '3'],
  purgeLatency: ['1000', '4', '2', '2'],
  ramRedis: [],
  redisFence: [],
  convergence: ['--edits', '50'],
};
/** Modules in bench/ that are helpers, not benchmarks. */
const HELPERS = new Set(['purgeVarnish']);
const TIMEOUT_MS = 6 * 60_000;

const benches = readdirSync(`${root}/bench`)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((name) => !HELPERS.has(name) && (only === undefined || only.has(name)))
  .sort((a, b) => Object.keys(ARGS).indexOf(a) - Object.keys(ARGS).indexOf(b));

function version(name, args, pattern) {
  const command = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin']
    .map((dir) => `${dir}/${name}`)
    .find((path) => existsSync(path));
  if (command === undefined) return 'not installed';
  const run = spawnSync(command, args, { encoding: 'utf8' });
  const out = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  return (pattern.exec(out) ?? [])[1] ?? (out.trim().split('\n')[0] || 'unknown');
}

function runBench(name) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [`${root}/bench/dist/${name}.js`, ...(ARGS[name] ?? [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      err += d;
      process.stderr.write(d);
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = (Date.now() - started) / 1000;
      const line = out
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{"bench":'));
      let parsed;
      try {
        parsed = line === undefined ? undefined : JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      const failed =
        code !== 0 && !(code === 1 && parsed !== undefined)
          ? `exit ${code ?? signal}: ${err.trim().split('\n').slice(-1)[0] ?? ''}`
          : undefined;
      resolve({ name, seconds, rows: parsed?.rows ?? [], json: parsed, failed, hasJson: parsed !== undefined });
    });
  });
}

function met(row) {
  if (row.bar === undefined || row.ratio === undefined) return undefined;
  return row.barIsMax === true ? row.ratio <= row.bar : row.ratio >= row.bar;
}

function figure(value, unit) {
  if (unit === 'req/s' || unit === 'ops/s' || unit === 'paths/s') {
    if (value >= 1e6) return `${(value / 1e6).toFixed(1)} M ${unit}`;
    return `${Math.round(value).toLocaleString('en-US').replaceAll(',', ' ')} ${unit}`;
  }
  if (Number.isInteger(value)) return `${value} ${unit}`;
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${unit}`;
}

const machine = {
  cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
  memory: `${Math.round(totalmem() / 1024 ** 3)} GiB`,
  node: process.version,
  nginx: version('nginx', ['-v'], /nginx\/([\d.]+)/),
  varnish: version('varnishd', ['-V'], /varnish-([\d.]+)/),
  redis: version('redis-server', ['--version'], /v=([\d.]+)/),
  wrk: version('wrk', ['-v'], /wrk (?:debian\/)?([\d.]+)/),
};
const loadBefore = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
const started = new Date();
const results = [];
for (const name of benches) {
  console.log(`\n=== ${name} ${(ARGS[name] ?? []).join(' ')}`);
  results.push(await runBench(name));
}
const loadAfter = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
const minutes = (Date.now() - started.getTime()) / 60_000;

const rows = results.flatMap((r) => r.rows.map((row) => ({ ...row, bench: r.name })));
const byId = new Map(rows.map((r) => [r.id, r]));
const missed = rows.filter((r) => met(r) === false);
const failed = results.filter((r) => r.failed !== undefined);

// ---- the document section ----
const cell = (s) => String(s).replaceAll('|', '\\|');
const lines = [];
lines.push(
  `Generated by \`npm run bench\` on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${minutes.toFixed(1)} min.`,
  `Machine: ${machine.cpu}, ${machine.memory}; Node.js ${machine.node}, nginx ${machine.nginx}, Varnish ${machine.varnish},`,
  `redis-server ${machine.redis}, wrk ${machine.wrk}. Load average (1, 5, 15 min) before the run ${loadBefore}, after ${loadAfter}`,
  `(the benchmarks alone load it to about 2; more means other work shared the two cores during the run, which`,
  `lowers and spreads the ratios of the server pairs: their ranges show by how much).`,
  '',
  '| path | bench | cacheset | reference (same run) | ratio (range) | bar | |',
  '|---|---|---|---|---|---|---|',
);
for (const r of rows) {
  if (r.reference === undefined && r.bar === undefined) continue;
  const ratio =
    r.ratio === undefined || r.reference === undefined
      ? '—'
      : `${r.ratio.toFixed(2)}${r.ratioRange === undefined ? '' : ` (${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)})`}`;
  const bar =
    r.bar === undefined
      ? 'report'
      : `${r.barIsMax === true ? '≤' : '≥'} ${r.bar}${r.reference === undefined ? ` ${r.unit}` : ''}`;
  const verdict = met(r) === undefined ? '' : met(r) ? 'met' : '**not met**';
  const reference = r.reference === undefined ? '' : `${figure(r.reference, r.unit)} ${r.referenceLabel ?? ''}`;
  lines.push(
    `| ${cell(r.label)} | \`${r.bench}\` | ${figure(r.value, r.unit)} | ${cell(reference)} | ${ratio} | ${bar} | ${verdict} |`,
  );
}
for (const r of failed) lines.push(`| (${r.name} failed: ${cell(r.failed)}) | \`${r.name}\` | | | | | **failed** |`);
for (const r of results.filter((x) => x.hasJson && x.rows.length === 0 && x.failed === undefined)) {
  const { bench: _name, ...fields } = r.json;
  lines.push('', `\`${r.name}\` (its own result line): \`${cell(JSON.stringify(fields))}\``);
}
const noJson = results.filter((r) => !r.hasJson && r.failed === undefined).map((r) => `\`${r.name}\``);
if (noJson.length > 0)
  lines.push('', `Ran without a result line (their printed output is the result): ${noJson.join(', ')}.`);

const growth = (title, header, ids, note) => {
  const present = ids.filter(([id]) => byId.has(id));
  if (present.length === 0) return;
  lines.push('', `**${title}**`, '', `| ${header} | figure |`, '|---|---|');
  for (const [id, label] of present) {
    const r = byId.get(id);
    lines.push(`| ${label} | ${figure(r.value, r.unit)} |`);
  }
  lines.push('', note(present.map(([id]) => byId.get(id).value)));
};
growth(
  'RAM hit (store lookup, in process) by number of entries',
  'entries',
  [
    ['ram-hit-10', '10'],
    ['ram-hit-10000', '10 000'],
    ['ram-hit-1000000', '1 000 000'],
    ['lru-hit-10k', 'lru-cache get, 10 000'],
    ['lru-hit-1m', 'lru-cache get, 1 000 000'],
  ],
  (v) =>
    v.length >= 3
      ? `Growth: ${(v[1] / v[0]).toFixed(1)} × from 10 to 10k entries, ${(v[2] / v[1]).toFixed(1)} × from 10k to 1M: not flat; lru-cache itself grows alike (the keys read are spread over memory far beyond the CPU caches).`
      : '',
);
growth(
  'Purge throughput by number of proxies (every path to each proxy)',
  'proxies',
  [
    ['purge-proxies-1', '1'],
    ['purge-proxies-2', '2'],
    ['purge-proxies-4', '4'],
  ],
  (v) =>
    v.length >= 3
      ? `Growth: distinct paths per second fall as 1/n (×${(v[1] / v[0]).toFixed(2)}, ×${(v[2] / v[0]).toFixed(2)}), purge requests per second stay flat: linear cost per proxy, bound by this machine's two cores.`
      : '',
);
growth(
  'Ruleset lookup by hierarchy depth, 10 000 classes (ns per lookup)',
  'hierarchy depth, lookup',
  [1, 5, 20].flatMap((d) => [
    [`lookup-depth-${d}-warm`, `${d} deep, warm (same object again)`],
    [`lookup-depth-${d}-new`, `${d} deep, a new instance`],
    [`lookup-depth-${d}-change`, `${d} deep, with a registry change every 100 lookups`],
  ]),
  (v) =>
    v.length >= 9
      ? `Growth: the warm lookup is flat (${v[0].toFixed(0)}, ${v[3].toFixed(0)}, ${v[6].toFixed(0)} ns); a new instance grows with the depth (${v[1].toFixed(0)}, ${v[4].toFixed(0)}, ${v[7].toFixed(0)} ns: linear in the levels walked up).`
      : '',
);
growth(
  'Convergence after an edit, by number of app processes (one Redis, RAM tiers only)',
  'processes, figure',
  [1, 3, 6].flatMap((n) => [
    [`converge-${n}-ack`, `${n}, the edit acknowledged (median)`],
    [`converge-${n}-p50`, `${n}, every process serving the new page after that (p50)`],
    [`converge-${n}-p99`, `${n}, the same, p99`],
    [`converge-${n}-stale`, `${n}, old copies read after the acknowledgement`],
  ]),
  (v) =>
    v.length >= 12
      ? `Growth: the acknowledgement stays near flat (${v[0].toFixed(1)}, ${v[4].toFixed(1)}, ${v[8].toFixed(1)} ms); the time until every process has served the new page grows with the processes read at once on two cores (p50 ${v[1].toFixed(1)}, ${v[5].toFixed(1)}, ${v[9].toFixed(1)} ms: roughly linear in the processes, each read's own round trip included). The whole stack (Varnish, nginx, the dump) converging is measured by the deployment test, in docs/deployment.md.`
      : '',
);
lines.push('', '![Requests per second for the benchmark page through each layer](images/bench-layers.svg)');
const section = lines.join('\n');

// ---- the chart ----
const LAYERS = [
  ['app uncached', 'fs-app', 'reference', 'gallery page rendered from its database'],
  ['headers only', '200-node', 'value', 'full 200 via the node:http adapter'],
  ['304', '304-node', 'value', 'node:http adapter'],
  ['RAM hit', 'ram-node', 'value', 'node:http adapter'],
  ['Redis hit', 'redis-hit', 'value', 'shared tier'],
  ['nginx dump', 'fs-static', 'value', 'page dumped by @cacheset/fs'],
  ['Varnish hit', 'varnish-hit', 'value', 'shipped VCL'],
  ['raw node:http', '200-node', 'reference', 'limit: same 200 by hand'],
  ['nginx static', 'fs-static', 'reference', 'limit: plain static file'],
];
const bars = LAYERS.map(([label, id, side, note]) => {
  const r = byId.get(id);
  const value = r === undefined ? undefined : side === 'value' ? r.value : r.reference;
  return { label, note, value: r?.unit === 'req/s' ? value : undefined };
});
const max = Math.max(1, ...bars.map((b) => b.value ?? 0));
const W = 900;
const left = 130;
const barArea = 420;
const rowH = 30;
const H = 50 + bars.length * rowH + 30;
const esc = (s) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="13">`,
  `<rect width="${W}" height="${H}" fill="#fff"/>`,
  `<text x="10" y="24" font-size="15" font-weight="bold">Requests per second through each layer (wrk, 32 connections, loopback)</text>`,
];
bars.forEach((b, i) => {
  const y = 44 + i * rowH;
  svg.push(`<text x="${left - 8}" y="${y + 17}" text-anchor="end">${esc(b.label)}</text>`);
  if (b.value === undefined) {
    svg.push(`<text x="${left}" y="${y + 17}" fill="#888">not measured in this run (${esc(b.note)})</text>`);
    return;
  }
  const w = Math.max(1, (b.value / max) * barArea);
  const colour = b.note.startsWith('limit') ? '#9aa5b1' : '#2f6db5';
  svg.push(`<rect x="${left}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 10}" fill="${colour}"/>`);
  svg.push(
    `<text x="${(left + w + 6).toFixed(1)}" y="${y + 17}">${Math.round(b.value).toLocaleString('en-US')} · ${esc(b.note)}</text>`,
  );
});
svg.push(
  `<text x="10" y="${H - 10}" fill="#555" font-size="11">Generated by npm run bench, ${started.toISOString().slice(0, 10)}, ${esc(machine.cpu)}, Node.js ${machine.node}. Grey: the limits.</text>`,
  '</svg>',
);

if (write) {
  const doc = `${root}/docs/performance.md`;
  const text = readFileSync(doc, 'utf8');
  const begin = '<!-- bench-results:begin -->';
  const end = '<!-- bench-results:end -->';
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`docs/performance.md has no ${begin} … ${end} section to regenerate`);
  writeFileSync(doc, `${text.slice(0, a + begin.length)}\n${section}\n${text.slice(b)}`);
  if (!existsSync(`${root}/docs/images`)) throw new Error('docs/images is missing');
  writeFileSync(`${root}/docs/images/bench-layers.svg`, `${svg.join('\n')}\n`);
  console.log('\nwrote docs/performance.md (results section) and docs/images/bench-layers.svg');
}
console.log(`\n${rows.length} rows from ${results.length} benchmarks in ${minutes.toFixed(1)} min`);
for (const r of missed)
  console.log(`  bar missed: ${r.label}: ${r.ratio.toFixed(2)} (bar ${r.barIsMax ? '≤' : '≥'} ${r.bar})`);
for (const r of failed) console.log(`  failed: ${r.name}: ${r.failed}`);
if (check && (missed.length > 0 || failed.length > 0)) process.exitCode = 1;
