/**
 * The store contract through Redis Sentinel: a master and one sentinel
 * started for this test, reached as redis+sentinel://host:port/mymaster.
 */
import { RedisStore } from '../../src/store/redis.store.js';
import { describeStoreContract } from '../../src/store/store.contract.js';
import { redisBinariesAvailable, RedisSentinelProcesses } from './redis-processes.js';

const describeWithRedis = redisBinariesAvailable() ? describe : describe.skip;

describeWithRedis('RedisStore through Redis Sentinel', () => {
  const setup = new RedisSentinelProcesses('mymaster');
  const url = () => `redis+sentinel://127.0.0.1:${setup.sentinel?.port}/mymaster`;

  beforeAll(async () => {
    await setup.start();
  }, 60_000);

  afterAll(async () => {
    await setup.stop();
  });

  describeStoreContract('RedisStore (sentinel)', async () => new RedisStore(url()));

  it('reaches the master the sentinel names, not the sentinel itself', async () => {
    const store = new RedisStore(url());
    try {
      await store.set('through-sentinel', 'v', 60);
      const viaMaster = new RedisStore(`redis://127.0.0.1:${setup.master?.port}`);
      try {
        await expect(viaMaster.get('through-sentinel')).resolves.toBe('v');
      } finally {
        await viaMaster.close();
      }
    } finally {
      await store.close();
    }
  });
});
