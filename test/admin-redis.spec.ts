/**
 * The overview's Redis line, against a real Redis: the gallery with the Redis tier shows it up and
 * healthy, and when Redis goes away the same line says so (the RAM cache goes on in the process).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AdminStats } from '@cacheset/admin';
import { startAdminDemo, type AdminDemo } from './support/adminDemo.js';
import { describeWithServers } from './support/binaries.js';
import { waitUntil } from './support/purgeWait.js';
import { RedisServer } from './support/redis.js';

describeWithServers('the admin overview with the Redis tier', ['redis-server'], () => {
  let redis: RedisServer | undefined;
  let site: AdminDemo;

  beforeAll(async () => {
    redis = await RedisServer.start();
    site = await startAdminDemo({ images: 2, env: { REDIS_URL: redis.url } });
  }, 120_000);
  afterAll(async () => {
    await site?.stop();
    await redis?.stop();
  });

  const redisLayer = async () => (await site.api('GET', 'api/stats')).json<AdminStats>().layers.redis;

  it('says the tier is up, and says so when Redis goes away', async () => {
    await waitUntil('the tier to connect', async () => (await redisLayer()).healthy);
    expect(await redisLayer()).toEqual({ configured: true, healthy: true, detail: 'up: shared by every process' });
    await redis?.stop();
    redis = undefined;
    await waitUntil('the tier to notice', async () => !(await redisLayer()).healthy, 20_000, 100);
    const down = await redisLayer();
    expect(down.configured).toBe(true);
    expect(down.detail).toMatch(/^(down|connecting)/);
    const page = await site.api('GET', '');
    expect(page.text).toContain('Redis tier');
  }, 60_000);
});
