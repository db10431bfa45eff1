import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CachesetError } from '@cacheset/core';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../src/config/loadSettings.js';

function failure(run: () => unknown): CachesetError {
  try {
    run();
  } catch (error) {
    if (CachesetError.is(error)) return error;
    throw error;
  }
  throw new Error('expected loadSettings to fail');
}

describe('loadSettings', () => {
  it('has the embedded defaults: port 3000 on 127.0.0.1, the data folder under the demo, no Redis, no proxies', () => {
    const settings = loadSettings([], {});
    expect(settings).toMatchObject({ port: 3000, host: '127.0.0.1', redisUrl: undefined, purgeProxies: [] });
    expect(settings.dataDir).toMatch(/packages\/demo\/var$/);
    expect(settings.dumpRoot).toBe(join(settings.dataDir, 'dump'));
  });

  it('takes the command line over the environment over the config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'demo-settings-'));
    const file = join(dir, 'gallery.yaml');
    await writeFile(
      file,
      'port: 4000\nhost: 0.0.0.0\ndataDir: data\npurgeProxies: [http://127.0.0.1:6081, nginx=http://127.0.0.1:8080/purge]\n',
    );
    const settings = loadSettings(['--port', '4002', '--config', file], {
      PORT: '4001',
      REDIS_URL: 'redis://127.0.0.1:6380',
    });
    expect(settings.port).toBe(4002);
    expect(settings.host).toBe('0.0.0.0');
    expect(settings.dataDir).toBe(join(dir, 'data'));
    expect(settings.redisUrl).toBe('redis://127.0.0.1:6380');
    expect(settings.purgeProxies).toEqual([
      { url: 'http://127.0.0.1:6081', kind: 'varnish' },
      { url: 'http://127.0.0.1:8080/purge', kind: 'nginx' },
    ]);
    expect(loadSettings([], { PORT: '4001', CACHESET_DEMO_CONFIG: file }).port).toBe(4001);
  });

  it('names the variable, the flag, or the file, line and key of a bad value', async () => {
    expect(failure(() => loadSettings([], { PORT: 'eighty' })).message).toBe(
      'PORT="eighty": is not a port; give a whole number from 1 to 65535 (0 picks a free one).',
    );
    expect(failure(() => loadSettings(['--port', '70000'], {})).message).toMatch(/^--port "70000": is not a port/);
    expect(failure(() => loadSettings([], { REDIS_URL: 'redis:/127.0.0.1:6379' })).code).toBe(
      'ERR_CACHESET_DEMO_INVALID_SETTINGS',
    );
    expect(failure(() => loadSettings(['--prot', '1'], {})).message).toMatch(
      /^--prot: unknown argument\. Did you mean --port\?/,
    );
    const dir = await mkdtemp(join(tmpdir(), 'demo-settings-'));
    const file = join(dir, 'gallery.yaml');
    await writeFile(file, 'port: 3000\npurgeProxies: "varnish:6081"\n');
    const error = failure(() => loadSettings(['--config', file], {}));
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:15: purgeProxies: `));
    expect(error.details).toMatchObject({ file, line: 2, key: 'purgeProxies', value: 'varnish:6081' });
    await writeFile(file, 'port: [3000\n');
    expect(failure(() => loadSettings(['--config', file], {})).message).toMatch(
      /gallery\.yaml:\d+:\d+: not valid YAML or JSON/,
    );
    expect(failure(() => loadSettings(['--config', join(dir, 'missing.yaml')], {})).message).toMatch(
      /^Cannot read the settings file .*missing\.yaml \(named by --config\)/,
    );
  });
});

describe('the fleet settings: synchronous purging, a Redis Cluster, the stack shape', () => {
  it('reads PURGE_SYNC, PURGE_SYNC_TIMEOUT_MS and REDIS_CLUSTER_NODES, with their defaults', () => {
    expect(loadSettings([], {})).toMatchObject({
      purgeSync: false,
      purgeSyncTimeoutMs: 2_000,
      redisClusterNodes: undefined,
    });
    expect(
      loadSettings([], {
        PURGE_SYNC: 'yes',
        PURGE_SYNC_TIMEOUT_MS: '750',
        REDIS_CLUSTER_NODES: 'redis://10.0.0.1:7000, redis://10.0.0.2:7000',
      }),
    ).toMatchObject({
      purgeSync: true,
      purgeSyncTimeoutMs: 750,
      redisClusterNodes: ['redis://10.0.0.1:7000', 'redis://10.0.0.2:7000'],
    });
  });

  it('refuses bad values naming the variable, and REDIS_URL together with REDIS_CLUSTER_NODES', () => {
    for (const [env, text] of [
      [{ PURGE_SYNC: 'maybe' }, 'PURGE_SYNC="maybe": is not a switch'],
      [{ PURGE_SYNC_TIMEOUT_MS: '0' }, 'PURGE_SYNC_TIMEOUT_MS="0": is not a wait in milliseconds'],
      [{ REDIS_CLUSTER_NODES: 'redis://a:1,http://b:2' }, 'REDIS_CLUSTER_NODES="redis://a:1,http://b:2": holds'],
      [
        { REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'redis://b:2' },
        'REDIS_URL and REDIS_CLUSTER_NODES are both set',
      ],
    ] as const) {
      const error = failure(() => loadSettings([], env));
      expect(error.code).toBe('ERR_CACHESET_DEMO_INVALID_SETTINGS');
      expect(error.message).toContain(text);
    }
  });

  it('takes --apps, --varnish and --redis out of the command line, and refuses a bad count', async () => {
    const { readStackShape } = await import('../src/stack/StackShape.js');
    expect(readStackShape(['--apps', '3', '--varnish=2', '--redis', '--port', '4000'])).toEqual({
      shape: { apps: 3, varnish: 2, redis: true },
      rest: ['--port', '4000'],
    });
    expect(readStackShape([])).toEqual({ shape: { apps: 1, varnish: 1, redis: false }, rest: [] });
    const error = failure(() => readStackShape(['--apps', '0']));
    expect([error.code, error.message]).toEqual([
      'ERR_CACHESET_DEMO_INVALID_SETTINGS',
      '--apps 0: give a whole number from 1 to 16 (--apps 3).',
    ]);
  });
});
