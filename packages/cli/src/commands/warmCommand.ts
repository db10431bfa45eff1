import type { Command } from 'commander';
import type { CliIo } from '../CliIo.js';
import { contextOf } from '../CommandContext.js';
import { cliError, CliErrorCodes, usageError } from '../errors/cliErrorCodes.js';
import { ProgressBar } from '../output/ProgressBar.js';
import type { Runner } from '../program.js';
import { readTextFile } from '../readTextFile.js';
import { readUrlList } from '../warm/readUrlList.js';
import { warmUrls, type WarmResult } from '../warm/warmUrls.js';

/** `--json` shape of warm. */
export interface WarmJson {
  readonly total: number;
  readonly requested: number;
  readonly skipped: number;
  readonly ms: number;
  /** Responses by status (`"200"`), and `"error"` for no answer. */
  readonly statuses: Readonly<Record<string, number>>;
  /** For each cache that said something: how many hits and misses. */
  readonly caches: Readonly<Record<string, { hit: number; miss: number }>>;
  readonly results: readonly WarmResult[];
}

function positive(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max)
    throw usageError(`${name} ${JSON.stringify(value)} must be a number above 0 and at most ${max}`);
  return n;
}

function resultLine(r: WarmResult): string {
  const caches = r.caches.map((c) => `${c.cache}=${c.outcome}`).join(' ');
  return `${r.status ?? 'ERR'} ${r.url} ${r.ms}ms${caches === '' ? '' : ` ${caches}`}${r.error === undefined ? '' : ` (${r.error})`}`;
}

export function summarize(results: readonly WarmResult[]): Pick<WarmJson, 'statuses' | 'caches'> {
  const statuses: Record<string, number> = {};
  const caches: Record<string, { hit: number; miss: number }> = {};
  for (const r of results) {
    const key = r.status === null ? 'error' : String(r.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
    for (const c of r.caches) {
      const entry = (caches[c.cache] ??= { hit: 0, miss: 0 });
      entry[c.outcome] += 1;
    }
  }
  return { statuses, caches };
}

export function registerWarm(program: Command, io: CliIo, runner: Runner): void {
  program
    .command('warm')
    .description('request every URL of a sitemap or list so that every cache layer fills')
    .argument('<list>', 'a sitemap.xml, or a text file with one URL or path a line (# comments)')
    .option('--base <url>', 'where paths in the list are resolved (default: --url or CACHESET_URL)')
    .option('--url <url>', 'the application, as for the other commands (used as --base)')
    .option('--concurrency <n>', 'requests at a time (1 to 64)', '4')
    .option('--request-timeout <seconds>', 'give up on one URL after this long', '30')
    .option('--max-time <seconds>', 'stop starting requests after this long in all', '600')
    .option('--header <name:value>', 'a request header to send (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .addHelpText(
      'after',
      `
Warming through the proxy (Varnish, nginx) fills it as well as the application's own caches.
Exit status 1 when any URL failed (no answer, or a status of 400 or more) or the time ran out.

Example:
  $ cacheset warm urls.txt --base http://127.0.0.1:8080/ --concurrency 8`,
    )
    .action(
      async (
        list: string,
        options: {
          base?: string;
          url?: string;
          concurrency: string;
          requestTimeout: string;
          maxTime: string;
          header: string[];
        },
        command: Command,
      ) =>
        runner(command, async () => {
          const concurrency = positive('--concurrency', options.concurrency, 64);
          if (!Number.isInteger(concurrency)) throw usageError('--concurrency must be a whole number');
          const requestTimeoutMs = positive('--request-timeout', options.requestTimeout, 3600) * 1000;
          const maxTimeMs = positive('--max-time', options.maxTime, 86_400) * 1000;
          const headers: Record<string, string> = {};
          for (const h of options.header) {
            const at = h.indexOf(':');
            if (at <= 0) throw usageError(`--header ${JSON.stringify(h)} must be Name:value`);
            headers[h.slice(0, at).trim()] = h.slice(at + 1).trim();
          }
          const rawBase = options.base ?? options.url ?? io.env.CACHESET_URL;
          let base: URL | undefined;
          if (rawBase !== undefined && rawBase !== '') {
            try {
              base = new URL(rawBase);
            } catch {
              throw usageError(
                `--base ${JSON.stringify(rawBase)} is not a URL; give one such as http://127.0.0.1:3000/`,
              );
            }
          }
          const urls = readUrlList(await readTextFile(list, io.cwd), list, base);
          const context = contextOf(command, io);
          const bar = !context.json && io.stdout.isTTY === true ? new ProgressBar(io.stdout, urls.length) : undefined;
          const run = await warmUrls(urls, {
            concurrency,
            requestTimeoutMs,
            maxTimeMs,
            headers,
            onResult: (result, done) => {
              if (bar !== undefined) bar.update(done, result.url);
              else if (!context.json) io.stdout.write(`${resultLine(result)}\n`);
            },
          });
          bar?.finish();
          const { statuses, caches } = summarize(run.results);
          const json: WarmJson = {
            total: urls.length,
            requested: run.results.length,
            skipped: run.skipped,
            ms: run.ms,
            statuses,
            caches,
            results: run.results,
          };
          const { style } = context;
          const lines = [
            style.bold(`warmed ${run.results.length} of ${urls.length} URLs in ${(run.ms / 1000).toFixed(1)}s`),
            `statuses: ${Object.entries(statuses)
              .map(([s, n]) => `${s} ${n}`)
              .join(', ')}`,
            ...Object.entries(caches).map(([cache, c]) => `${cache}: ${c.hit} hit, ${c.miss} miss`),
          ];
          if (run.skipped > 0) lines.push(style.yellow(`${run.skipped} not requested: the time bound was reached`));
          const failed = run.results.filter((r) => r.status === null || r.status >= 400);
          const incomplete = failed.length > 0 || run.skipped > 0;
          return {
            json,
            text: lines.join('\n'),
            ...(incomplete
              ? {
                  failure: cliError(
                    CliErrorCodes.WARM_INCOMPLETE,
                    `${failed.length} URL${failed.length === 1 ? '' : 's'} failed and ${run.skipped} ${run.skipped === 1 ? 'was' : 'were'} not requested; see the lines above`,
                    { failed: failed.length, skipped: run.skipped },
                  ),
                }
              : {}),
          };
        }),
    );
}
