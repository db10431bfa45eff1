/**
 * `cacheset warm` keeps its bounds, against a real node:http server that counts the requests in
 * flight: never more than --concurrency at a time, and a URL that never answers is given up after
 * --request-timeout and reported, while the others are still warmed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheset } from './support/cliRun.js';

describe('cacheset warm bounds', () => {
  let server: Server;
  let base = '';
  let work = '';
  let inFlight = 0;
  let most = 0;
  let served = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/never') return; // holds the request open until the client gives up
      inFlight += 1;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        served += 1;
        response.writeHead(200, { 'content-type': 'text/plain', 'cache-status': 'origin; fwd=uri-miss' });
        response.end('ok');
      }, 100);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}/`;
    work = await mkdtemp(join(tmpdir(), 'cacheset-cli-bounds-'));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(work, { recursive: true, force: true });
  });

  it('has at most --concurrency requests in flight', async () => {
    const list = join(work, 'twelve.txt');
    await writeFile(list, Array.from({ length: 12 }, (_, i) => `/page/${i}`).join('\n'));
    most = 0;
    served = 0;
    const run = await cacheset(['warm', list, '--base', base, '--concurrency', '3']);
    expect(run.status, run.stderr).toBe(0);
    expect(served).toBe(12);
    expect(most).toBe(3);
    expect(run.stdout).toContain('origin: 0 hit, 12 miss');
  });

  it('gives up on a URL after --request-timeout, reports it, and warms the rest', async () => {
    const list = join(work, 'stuck.txt');
    await writeFile(list, '/never\n/a\n/b\n');
    const run = await cacheset([
      'warm',
      list,
      '--base',
      base,
      '--concurrency',
      '2',
      '--request-timeout',
      '1',
      '--json',
    ]);
    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout) as {
      statuses: Record<string, number>;
      results: { url: string; status: number | null; error?: string }[];
    };
    expect(json.statuses).toEqual({ '200': 2, error: 1 });
    const stuck = json.results.find((r) => r.url.endsWith('/never'));
    expect(stuck?.status).toBeNull();
    expect(stuck?.error).toBe('no answer within 1s (--request-timeout)');
    expect(run.stderr).toBe(
      'cacheset: 1 URL failed and 0 were not requested; see the lines above [ERR_CACHESET_CLI_WARM_INCOMPLETE]\n',
    );
  });
});
