import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { getDefaultBus, resetDefaultBus } from '@cacheset/core';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSite, type Site } from '../examples/purge/site.js';
import { RecordingProxy } from '../packages/purge/test/support/proxyServers.js';

describe('the documented purge example (examples/purge/site.ts)', () => {
  let site: Site | undefined;
  let proxy: RecordingProxy | undefined;
  const original = getDefaultBus();
  afterEach(async () => {
    await site?.purger.close();
    if (site !== undefined) await new Promise<void>((resolve) => site?.server.close(() => resolve()));
    await proxy?.stop();
    resetDefaultBus(original);
  });

  it('an edit purges the image paths and tag with the public domain, after the response; the endpoint needs the token', async () => {
    resetDefaultBus();
    proxy = await RecordingProxy.start();
    site = createSite({
      proxies: [proxy.url],
      publicDomain: 'https://www.example.com',
      purgeToken: 'example-token-0123456789',
    });
    await new Promise<void>((resolve) => site?.server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(site.server.address() as AddressInfo).port}`;
    const page = await fetch(`${url}/images/cat`);
    expect(page.headers.get('xkey')).toBe('image-1');
    expect((await fetch(`${url}/images/cat/edit`, { method: 'POST' })).status).toBe(200);
    // The unit of work commits when the response has finished; then the purges are on their way.
    for (let i = 0; i < 200 && site.purger.statistics().unitsCommitted < 1; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await site.purger.flush();
    expect(
      proxy.received
        .map(
          (r) =>
            `${r.method} ${r.url} ${r.host}${r.headers['xkey-purge'] === undefined ? '' : ` ${r.headers['xkey-purge']}`}`,
        )
        .sort(),
    ).toEqual([
      'PURGE /images/cat www.example.com',
      'PURGE /images/cat/thumbnail www.example.com',
      `PURGEKEYS / 127.0.0.1:${proxy.port} image-1`,
    ]);
    expect((await fetch(`${url}/_purge?path=/images/cat`, { method: 'POST' })).status).toBe(403);
  });

  it('is quoted verbatim in docs/purge.md', async () => {
    const docs = await readFile(fileURLToPath(new URL('../docs/purge.md', import.meta.url)), 'utf8');
    const source = await readFile(fileURLToPath(new URL('../examples/purge/site.ts', import.meta.url)), 'utf8');
    const marker = '<!-- example: examples/purge/site.ts -->';
    const at = docs.indexOf(marker);
    expect(at, `docs/purge.md lacks ${marker}`).toBeGreaterThanOrEqual(0);
    expect(/```ts\n([\s\S]*?)```/.exec(docs.slice(at))?.[1]).toBe(source);
  });
});
