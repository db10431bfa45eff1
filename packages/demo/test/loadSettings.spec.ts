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
