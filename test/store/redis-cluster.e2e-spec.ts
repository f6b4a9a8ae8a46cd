/**
 * The store contract against a real three-master Redis Cluster, started for
 * this test: key routing, cross-slot deletes and cluster-wide pub/sub.
 */
import { createCluster } from 'redis';
import { RedisStore } from '../../src/store/redis.store.js';
import { describeStoreContract } from '../../src/store/store.contract.js';
import { redisBinariesAvailable, RedisClusterProcesses } from './redis-processes.js';

const describeWithRedis = redisBinariesAvailable() ? describe : describe.skip;

describeWithRedis('RedisStore on Redis Cluster', () => {
  const cluster = new RedisClusterProcesses();
  const url = () => `redis+cluster://${cluster.ports.map((port) => `127.0.0.1:${port}`).join(',')}`;

  beforeAll(async () => {
    await cluster.start(3);
  }, 60_000);

  afterAll(async () => {
    await cluster.stop();
  });

  describeStoreContract('RedisStore (cluster)', async () => new RedisStore(url()));

  describe('cluster specifics', () => {
    it('spreads keys over several masters, each under the cw: prefix', async () => {
      const store = new RedisStore(url());
      const raw = createCluster({ rootNodes: [{ socket: { host: '127.0.0.1', port: cluster.ports[0] } }] });
      await raw.connect();
      try {
        const keys = Array.from({ length: 30 }, (_, i) => `spread-${Date.now()}-${i}`);
        for (const key of keys) await store.set(key, 'v', 60);
        const holders = new Set<number>();
        for (const port of cluster.ports) {
          const node = raw.masters.find((master) => master.port === port);
          if (!node) continue;
          const client = await raw.nodeClient(node);
          const held = await client.keys(`cw:spread-*`);
          if (held.some((key) => keys.includes(key.slice(3)))) holders.add(port);
        }
        expect(holders.size).toBeGreaterThan(1);
        expect(await store.delete(...keys)).toBe(keys.length);
      } finally {
        raw.destroy();
        await store.close();
      }
    });

    it('delivers messages published through a store seeded with a different node', async () => {
      const [subscriber, publisher] = [
        new RedisStore(`redis+cluster://127.0.0.1:${cluster.ports[0]}`),
        new RedisStore(`redis+cluster://127.0.0.1:${cluster.ports[2]}`),
      ];
      try {
        const received = new Promise<string>((resolve) => void subscriber.subscribe('cluster-chan', resolve).then(() => publisher.publish('cluster-chan', 'hello')));
        await expect(received).resolves.toBe('hello');
      } finally {
        await Promise.all([subscriber.close(), publisher.close()]);
      }
    });
  });
});
