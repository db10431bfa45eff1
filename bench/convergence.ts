/**
 * Convergence of the RAM tiers with 1, 3 and 6 app processes sharing one Redis (a growth table: no
 * bar). Each process is the small site of the cross-process tests (servers/ramSiteServer.ts): pages
 * cached in the process's own tier and in Redis. Per edit, every process first serves the page as a
 * RAM hit; then an edit is sent to process 1, and from the moment its response arrives (the edit is
 * acknowledged: the invalidation is recorded in Redis) every process is read until it serves a page
 * other than the copy it held. Reported: how long the acknowledgement took, how long after it the
 * slowest process still served its old copy (the broadcast's delay), and how many reads after the
 * acknowledgement got an old copy.
 *
 *   npx tsc -b bench && node bench/dist/convergence.js [--edits 40]
 */
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { emitRows, type BenchRow } from './lib/benchRows.js';
import { numberFlag } from './lib/numberFlag.js';
import { median } from './lib/pairRunner.js';
import { freeLoopbackPort } from './lib/ports.js';
import { startRedisServer } from './lib/redisServer.js';
import { BenchServer } from './lib/wrk.js';

const EDITS = Math.max(10, numberFlag(process.argv.slice(2), '--edits', 40));
const PROCESSES = [1, 3, 6] as const;
const SITE = fileURLToPath(new URL('./servers/ramSiteServer.js', import.meta.url));
/** A process that still serves its old copy this long after the acknowledgement has failed the run. */
const GIVE_UP_MS = 5_000;

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly fromRam: boolean;
}

function send(base: string, method: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, fromRam: res.headers['x-ramcache'] !== undefined }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** The `p` quantile of sorted figures (nearest rank). */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? 0;
}

interface Measured {
  readonly processes: number;
  readonly ackMs: number;
  readonly convergedP50Ms: number;
  readonly convergedP99Ms: number;
  readonly convergedMaxMs: number;
  readonly staleReads: number;
  readonly readsAfterAck: number;
}

async function measure(processes: number): Promise<Measured> {
  const redis = await startRedisServer();
  const servers: BenchServer[] = [];
  try {
    for (let i = 0; i < processes; i += 1)
      servers.push(
        await BenchServer.start(`app ${i + 1}`, SITE, await freeLoopbackPort(), [
          `app${i + 1}`,
          redis.url,
          'bench:convergence:',
        ]),
      );
    const acks: number[] = [];
    const converged: number[] = [];
    let staleReads = 0;
    let readsAfterAck = 0;
    for (let edit = 0; edit < EDITS; edit += 1) {
      const path = `/pages/p${edit % 4}`;
      // Every process holds a copy in its own tier: rendered or read from Redis, then a RAM hit.
      const held: string[] = [];
      for (const server of servers) {
        let answer = await send(server.url, 'GET', path);
        for (let tries = 0; !answer.fromRam && tries < 50; tries += 1) answer = await send(server.url, 'GET', path);
        if (!answer.fromRam) throw new Error(`${server.name} never served ${path} from its RAM cache`);
        held.push(answer.body);
      }
      const sent = performance.now();
      const edited = await send((servers[0] as BenchServer).url, 'POST', `/edit/p${edit % 4}`);
      const acknowledged = performance.now();
      if (edited.status !== 204) throw new Error(`the edit answered ${edited.status}`);
      acks.push(acknowledged - sent);
      await Promise.all(
        servers.map(async (server, i) => {
          for (;;) {
            const answer = await send(server.url, 'GET', path);
            readsAfterAck += 1;
            if (answer.body !== held[i]) break;
            staleReads += 1;
            if (performance.now() - acknowledged > GIVE_UP_MS)
              throw new Error(`${server.name} still serves the old ${path} ${GIVE_UP_MS} ms after the edit`);
          }
          // From the acknowledgement until a read returned the new page (that read's round trip included).
          converged.push(Math.max(0, performance.now() - acknowledged));
        }),
      );
    }
    const sorted = [...converged].sort((a, b) => a - b);
    return {
      processes,
      ackMs: median(acks),
      convergedP50Ms: percentile(sorted, 0.5),
      convergedP99Ms: percentile(sorted, 0.99),
      convergedMaxMs: sorted.at(-1) ?? 0,
      staleReads,
      readsAfterAck,
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await redis.stop();
  }
}

const count = (n: number): string => `${n} process${n === 1 ? '' : 'es'}`;
const results: Measured[] = [];
for (const processes of PROCESSES) results.push(await measure(processes));
console.log(`Convergence after an edit, ${EDITS} edits per size (one Redis, node:http processes with the RAM tier):`);
for (const r of results)
  console.log(
    `  ${count(r.processes)}: acknowledged in ${r.ackMs.toFixed(2)} ms (median); ` +
      `every process fresh ${r.convergedP50Ms.toFixed(2)} ms after it (p50), ${r.convergedP99Ms.toFixed(2)} ms (p99), ` +
      `${r.convergedMaxMs.toFixed(2)} ms (max); old copies read after the acknowledgement: ${r.staleReads} of ${r.readsAfterAck} reads`,
  );
const rows: BenchRow[] = results.flatMap((r) => [
  {
    id: `converge-${r.processes}-p50`,
    label: `convergence after an edit's acknowledgement, ${count(r.processes)}, p50`,
    value: r.convergedP50Ms,
    unit: 'ms',
  },
  {
    id: `converge-${r.processes}-p99`,
    label: `convergence after an edit's acknowledgement, ${count(r.processes)}, p99`,
    value: r.convergedP99Ms,
    unit: 'ms',
  },
  {
    id: `converge-${r.processes}-ack`,
    label: `an edit's acknowledgement, ${count(r.processes)}, median`,
    value: r.ackMs,
    unit: 'ms',
  },
  {
    id: `converge-${r.processes}-stale`,
    label: `old copies read after the acknowledgement, ${count(r.processes)}`,
    value: r.staleReads,
    unit: `of ${r.readsAfterAck} reads`,
  },
]);
emitRows('convergence', rows, { edits: EDITS });
