import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { findBinary } from './binaries.js';
import { freePort } from './freePort.js';
import { redisCommand, RedisServer } from './redis.js';

const run = promisify(execFile);

/** Whether a TCP port on 127.0.0.1 can be listened on now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port for a cluster node: redis-server also listens on the port plus 10 000 (the cluster bus),
 * so both must be free, and the second a valid port. Ports the OS hands out are in its ephemeral
 * range, where a bus port can be taken by another test's socket, or lie past 65 535.
 */
async function freeNodePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await canListen(port + 10_000))) return port;
  }
  throw new Error('found no port whose cluster bus port (plus 10 000) is free as well');
}

/** Starts one node; again on another port when one of its two ports was taken in the meantime. */
async function startNode(extraArgs: readonly string[]): Promise<RedisServer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await RedisServer.start({ port: await freeNodePort(), extraArgs });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/**
 * A real Redis Cluster on 127.0.0.1: `masters` masters with one replica each, every node a
 * redis-server of its own (`--cluster-enabled yes`, its own directory and cluster config file),
 * joined by `redis-cli --cluster create`. `stop()` ends every node by pid and removes their folders.
 */
export class RedisCluster {
  readonly nodes: RedisServer[];

  private constructor(nodes: RedisServer[]) {
    this.nodes = nodes;
  }

  /** Seed URLs for a client. */
  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  static async start(masters = 3): Promise<RedisCluster> {
    const cli = findBinary('redis-cli');
    if (cli === undefined) throw new Error('redis-cli is not installed (apt-get install -y redis-tools)');
    const nodes: RedisServer[] = [];
    try {
      for (let i = 0; i < masters * 2; i += 1)
        nodes.push(
          await startNode([
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '2000',
          ]),
        );
      await run(
        cli,
        ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'],
        { timeout: 30_000 },
      );
      const cluster = new RedisCluster(nodes);
      await cluster.waitUntilHealthy();
      return cluster;
    } catch (error) {
      await Promise.all(nodes.map((n) => n.stop()));
      throw error;
    }
  }

  /** Until every node says `cluster_state:ok` and every slot range has a replica (at most 30 s). */
  async waitUntilHealthy(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const states = await Promise.all(
        this.nodes.filter((n) => n.running).map((n) => redisCommand(n.port, ['CLUSTER', 'INFO']).catch(() => '')),
      );
      const live = this.nodes.find((n) => n.running);
      const ranges = await redisCommand(live?.port ?? 0, ['CLUSTER', 'SLOTS']).catch(() => []);
      // Replicas attach a moment after the masters are ready: wait until each master has one.
      const replicated =
        Array.isArray(ranges) && ranges.length > 0 && ranges.every((r) => Array.isArray(r) && r.length >= 4);
      if (replicated && states.every((s) => typeof s === 'string' && s.includes('cluster_state:ok'))) return;
      if (Date.now() > deadline) throw new Error(`the cluster did not become healthy:\n${states.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The master serving `key`'s slot and one of its replicas. */
  async ownersOf(key: string): Promise<{ master: RedisServer; replica: RedisServer }> {
    const slot = Number(await redisCommand(this.nodes[0]?.port ?? 0, ['CLUSTER', 'KEYSLOT', key]));
    const live = this.nodes.find((n) => n.running);
    const ranges = (await redisCommand(live?.port ?? 0, ['CLUSTER', 'SLOTS'])) as unknown as unknown[][];
    for (const range of ranges) {
      const [from, to, owner, ...replicas] = range as [number, number, unknown[], ...unknown[][]];
      if (slot < Number(from) || slot > Number(to)) continue;
      const master = this.nodes.find((n) => n.port === Number(owner[1]));
      const replica = this.nodes.find((n) => n.port === Number(replicas[0]?.[1]));
      if (master !== undefined && replica !== undefined) return { master, replica };
    }
    throw new Error(`no master with a replica serves slot ${slot}: ${JSON.stringify(ranges)}`);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}
