/**
 * The `cacheset` executable as a child process against the running gallery with its admin mounted
 * (and Varnish, from `cacheset varnish-vcl`, as its purged proxy): explain a cached and an uncached
 * URL, purge a path and see the next request miss, policy get and a refused policy set that changes
 * nothing, stats, and the token's absence.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { cacheset } from './support/cliRun.js';
import { startDemo, type Demo } from './support/demo.js';
import { freePort } from './support/freePort.js';
import { rawRequest } from './support/httpRequest.js';
import { Varnish } from './support/varnish.js';

const TOKEN = 'test-admin-token-0123456789';

describeWithServers('cacheset against the running gallery and its admin', ['varnishd'], () => {
  let demo: Demo;
  let varnish: Varnish;
  let work: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const varnishPort = await freePort();
    demo = await startDemo({
      images: 4,
      env: { CACHESET_ADMIN_TOKEN: TOKEN, PURGE_PROXIES: `http://127.0.0.1:${varnishPort}` },
    });
    const appPort = Number(new URL(demo.base).port);
    const vcl = await cacheset(['varnish-vcl', '--backend', `127.0.0.1:${appPort}`]);
    varnish = await Varnish.start({ vcl: vcl.stdout, backendPort: appPort, port: varnishPort });
    work = await mkdtemp(join(tmpdir(), 'cacheset-cli-admin-'));
    env = { CACHESET_URL: `${demo.base}/`, CACHESET_TOKEN: TOKEN };
  });

  afterAll(async () => {
    await varnish?.stop();
    await demo?.stop();
    await rm(work, { recursive: true, force: true });
  });

  const image = (index: number) => {
    const found = demo.running.site.gallery.newest(4)[index];
    if (found === undefined) throw new Error('the demo has too few images');
    return found;
  };

  it('explains a cached URL: its ruleset, operation options and the layers that store it', async () => {
    const path = `/images/${image(0).slug}`;
    const run = await cacheset(['explain', path], env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^GET ${path} → 200\\n`));
    expect(run.stdout).toMatch(/^ruleset: {3}gallery\.image /m);
    expect(run.stdout).toMatch(/^operation: chain$/m);
    expect(run.stdout).toMatch(/^ {2}proxy\s+stores for \d+s$/m);
    const json = JSON.parse((await cacheset(['explain', path, '--json'], env)).stdout) as {
      ruleset: { name: string };
      layers: { layer: string; stores: boolean }[];
    };
    expect(json.ruleset.name).toBe('gallery.image');
    expect(json.layers.find((l) => l.layer === 'proxy')?.stores).toBe(true);
  });

  it('explains an uncached URL: no layer stores it, and why', async () => {
    const run = await cacheset(['explain', '/login'], env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ruleset: {3}gallery\.editing /m);
    expect(run.stdout).toMatch(/^operation: noCaching$/m);
    expect(run.stdout).not.toMatch(/ stores( for|$)/m);
    expect(run.stdout).toMatch(/^ {2}proxy\s+does not store \(.+\)$/m);
  });

  it('purges a path: the next request misses in Varnish and in the RAM cache', async () => {
    const path = `/images/${image(1).slug}`;
    await rawRequest(`${varnish.url}${path}`);
    expect((await rawRequest(`${varnish.url}${path}`)).headers['x-cache']).toBe('HIT');
    await demo.get(path);
    expect((await demo.get(path)).headers['cache-status']).toMatch(/; hit/);
    const renders = demo.renders(path);

    const run = await cacheset(['purge', path, '--wait'], env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^purged 1 path and 0 tags: [1-9]\d* RAM entr(y|ies) dropped, /);
    expect(run.stdout).toMatch(
      new RegExp(`^  http://127\\.0\\.0\\.1:${varnish.port}\\S*  ${path}  200  1 attempt$`, 'm'),
    );

    expect((await rawRequest(`${varnish.url}${path}`)).headers['x-cache']).toBe('MISS');
    expect(demo.renders(path)).toBe(renders + 1);
  });

  it('explains as a logged-in user: no shared layer keeps what the editor sees', async () => {
    const run = await cacheset(['explain', `/images/${image(0).slug}`, '--user', 'editor'], env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^GET \/images\/\S+ as editor → 200\n/);
    expect(run.stdout).toMatch(/^ {2}proxy\s+does not store \(.+\)$/m);
    const unknown = await cacheset(['explain', '/', '--user', 'nobody'], env);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(
      /^cacheset: the admin API refused: .*nobody.* \[ERR_CACHESET_CLI_ADMIN_REFUSED\]\n$/,
    );
  });

  it('purges a cache tag through Varnish with --tag', async () => {
    const path = `/images/${image(2).slug}`;
    const tags = (await demo.get(path)).headers.xkey ?? '';
    const tag = tags.split(/\s+/).find((t) => t !== '');
    if (tag === undefined) throw new Error(`${path} carries no xkey tag`);
    await rawRequest(`${varnish.url}${path}`);
    expect((await rawRequest(`${varnish.url}${path}`)).headers['x-cache']).toBe('HIT');
    const run = await cacheset(['purge', '--tag', tag, '--wait', '--json'], env);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { tags: string[]; outcomes: { tag?: string; ok: boolean }[] };
    expect(json.tags).toEqual([tag]);
    expect(json.outcomes.length).toBeGreaterThan(0);
    expect(json.outcomes.every((o) => o.ok)).toBe(true);
    expect((await rawRequest(`${varnish.url}${path}`)).headers['x-cache']).toBe('MISS');
  });

  it('purges paths from a file and reports per proxy in JSON', async () => {
    const list = join(work, 'purge.txt');
    await writeFile(list, `# after the deploy\n/\n/feed.json\n`);
    const run = await cacheset(['purge', '--from-file', list, '--wait', '--json'], env);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { paths: string[]; outcomes: { path: string; ok: boolean }[] };
    expect(json.paths).toEqual(['/', '/feed.json']);
    expect(json.outcomes.map((o) => [o.path, o.ok]).sort()).toEqual([
      ['/', true],
      ['/feed.json', true],
    ]);
  });

  it('policy set refuses a bad file with exit status 1 and every problem, and changes nothing', async () => {
    const before = await cacheset(['policy', 'get'], env);
    expect(before.status, before.stderr).toBe(0);
    const file = (JSON.parse((await cacheset(['policy', 'get', '--json'], env)).stdout) as { file: string }).file;
    const onDisk = await readFile(file, 'utf8');

    const run = await cacheset(['policy', 'set', 'test/fixtures/cli/bad-policy.yaml'], env);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^\S+:\d+:\d+: rulesetTypes\[0\]\.name: invalid ruleset name "Bad-Name"/m);
    expect(run.stderr).toMatch(
      /^cacheset: the application refused test\/fixtures\/cli\/bad-policy\.yaml \(\d+ problems?\); nothing was changed \[ERR_CACHESET_CLI_CONFIG_PROBLEMS\]\n$/,
    );
    expect((await cacheset(['policy', 'get'], env)).stdout).toBe(before.stdout);
    expect(await readFile(file, 'utf8')).toBe(onDisk);
  });

  it('policy set applies a valid file live', async () => {
    const current = JSON.parse((await cacheset(['policy', 'get'], env)).stdout) as {
      policy: { operations: { strongCaching: { rulesets: Record<string, { maxage: string }> } } };
    };
    current.policy.operations.strongCaching.rulesets['gallery.resource'] = { maxage: '2d' } as never;
    const file = join(work, 'policy.json');
    await writeFile(file, JSON.stringify(current));
    const run = await cacheset(['policy', 'set', file], env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^applied .+policy\.json to .+ \(previous version kept as .+\)\n$/);
    const after = JSON.parse((await cacheset(['policy', 'get'], env)).stdout) as typeof current;
    expect(after.policy.operations.strongCaching.rulesets['gallery.resource']).toEqual({ maxage: '2d' });
  });

  it('stats shows each layer and the RAM and purge counters', async () => {
    const run = await cacheset(['stats'], env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^caching: enabled$/m);
    expect(run.stdout).toMatch(/^ram: \d+ entries, /m);
    expect(run.stdout).toMatch(/^purge: \d+ queued, [1-9]\d* sent, /m);
    const json = JSON.parse((await cacheset(['stats', '--json'], env)).stdout) as { layers: Record<string, unknown> };
    expect(Object.keys(json.layers).sort()).toEqual(['fs', 'headers', 'purge', 'ram', 'redis']);
  });

  it('without the token the admin refuses, and the error says to pass one', async () => {
    const run = await cacheset(['stats', '--url', `${demo.base}/`]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^cacheset: the admin API refused: .+ \(pass --token or set CACHESET_TOKEN\) \[ERR_CACHESET_CLI_ADMIN_REFUSED\]\n$/,
    );
  });
});
