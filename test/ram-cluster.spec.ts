/**
 * The shared RAM tier on a real Redis Cluster (3 masters with a replica each, started here): two
 * managers, as two processes would have, share entries and invalidations through the cluster, and
 * through a failover of the master that holds the site's slot (CLUSTER FAILOVER on its replica) no
 * read after an acknowledged invalidation returns the invalidated value, and every read is answered.
 */
import { whenWorkSettled, type CachesetLogger } from '@cacheset/core';
import { RamCacheManager } from '@cacheset/ram';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { redisCommand } from './support/redis.js';
import { RedisCluster } from './support/redisCluster.js';

const quiet: CachesetLogger = { warn: () => undefined, error: () => undefined };

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeWithServers('RAM cache shared tier on a Redis Cluster', ['redis-server', 'redis-cli'], () => {
  let cluster: RedisCluster;
  let site = 0;
  const managers: RamCacheManager[] = [];

  beforeAll(async () => {
    cluster = await RedisCluster.start(3);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(managers.map((m) => m.close()));
    await cluster?.stop();
  }, 30_000);

  async function processes(count: number): Promise<{ ram: RamCacheManager[]; prefix: string }> {
    site += 1;
    const prefix = `test:cluster:${site}:`;
    const ram = Array.from(
      { length: count },
      () =>
        new RamCacheManager({
          bus: false,
          logger: quiet,
          redis: {
            nodes: cluster.urls.slice(0, 2),
            prefix,
            commandTimeoutMs: 1_000,
            reconnectDelayMs: { min: 50, max: 200 },
          },
        }),
    );
    managers.push(...ram);
    await waitFor('the managers to connect', () => ram.every((m) => m.redisState === 'up'));
    return { ram, prefix };
  }

  it('shares a value and its invalidation; the keys of one site share one slot', async () => {
    const { ram, prefix } = await processes(2);
    const [a, b] = ram as [RamCacheManager, RamCacheManager];
    await a.values.set('/doc', 'v1');
    await waitFor('the shared write', () => (a.statistics().redis?.writes ?? 0) >= 1);
    expect(await b.values.get('/doc')).toBe('v1');
    a.invalidatePaths(['/doc']);
    await whenWorkSettled();
    await waitFor('the broadcast', () => (b.statistics().redis?.invalidationsReceived ?? 0) >= 1);
    expect(await b.values.get('/doc')).toBeUndefined();
    // Every key of the site is in the slot of its hash tag.
    const slot = await redisCommand(cluster.nodes[0]?.port ?? 0, ['CLUSTER', 'KEYSLOT', `{${prefix}}`]);
    const { master } = await cluster.ownersOf(`{${prefix}}`);
    const keys = await redisCommand(master.port, ['KEYS', `{${prefix}}*`]);
    expect(Array.isArray(keys) && keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys as string[]) expect(await redisCommand(master.port, ['CLUSTER', 'KEYSLOT', key])).toBe(slot);
  });

  it('through a failover of the site’s master: no stale read after an acknowledged invalidation, every read answered', async () => {
    const { ram, prefix } = await processes(2);
    const [a, b] = ram as [RamCacheManager, RamCacheManager];
    const { replica } = await cluster.ownersOf(`{${prefix}}`);
    let failedOver = false;
    let staleReads = 0;
    const staleLog: string[] = [];
    const broadcastLag: number[] = [];
    let answered = 0;
    const rounds = 150;
    for (let i = 1; i <= rounds; i += 1) {
      if (i === 40) {
        expect(await redisCommand(replica.port, ['CLUSTER', 'FAILOVER'])).toBe('OK');
        failedOver = true;
      }
      const path = `/doc/${i % 5}`;
      await a.values.set(path, `v${i}`);
      // Another process computes on a miss: every read is answered, from the tier or computed.
      const seen = await b.values.getOrCompute(path, () => `computed ${i}`);
      answered += seen === undefined ? 0 : 1;
      a.invalidatePaths([path]);
      await whenWorkSettled();
      // Acknowledged: the cluster holds the invalidation record.
      // The process that invalidated reads through the cluster (its own copy is gone): never stale.
      if ((await a.values.get(path)) === `v${i}`) {
        staleReads += 1;
        staleLog.push(`${i}:${a.redisState}`);
      }
      // The other process drops its own copy when the broadcast arrives: measured, and bounded.
      const since = Date.now();
      while ((await b.values.get(path)) === `v${i}` && Date.now() - since < 5_000)
        await new Promise((resolve) => setTimeout(resolve, 1));
      broadcastLag.push(Date.now() - since);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitFor('the replica to be the master', async () => {
      const role = await redisCommand(replica.port, ['ROLE']);
      return Array.isArray(role) && role[0] === 'master';
    });
    await waitFor('both managers up again', () => ram.every((m) => m.redisState === 'up'));
    // After the failover the tier works again through the new master.
    await a.values.set('/after', 'shared');
    await waitFor('the shared write after the failover', async () => (await b.values.get('/after')) === 'shared');
    const sorted = [...broadcastLag].sort((x, y) => x - y);
    console.log(
      `ram-cluster report ${JSON.stringify({ rounds, staleLog, broadcastLagMs: { p50: sorted[Math.floor(rounds / 2)], p99: sorted[Math.ceil(rounds * 0.99) - 1], max: sorted[rounds - 1] } })}`,
    );
    expect(Math.max(...broadcastLag)).toBeLessThan(5_000);
    expect({ failedOver, staleReads, answered }).toEqual({ failedOver: true, staleReads: 0, answered: rounds });
  }, 120_000);
});
