/**
 * RedisStore.getCached answers repeated reads from local copies that Redis
 * keeps exact (RESP3 client tracking). These tests run against a private redis-server, so
 * its command counters and FLUSHALL concern this suite alone: they prove the
 * copies are used, and that every way a key can change (another client's
 * write, a delete, an expiry, a flush, a killed connection) reaches them.
 */
import { createClient } from 'redis';
import { RedisStore } from '../../src/store/redis.store.js';
import { eventually, freePort, redisBinariesAvailable, RedisServerProcess } from './redis-processes.js';

const describeWithRedis = redisBinariesAvailable() ? describe : describe.skip;

describeWithRedis('RedisStore local copies (client-side cache)', () => {
  let server: RedisServerProcess;
  let url: string;
  let raw: ReturnType<typeof createClient>;
  const stores: RedisStore[] = [];
  let counter = 0;
  const key = () => `k${++counter}`;

  const open = (options: ConstructorParameters<typeof RedisStore>[1] = {}) => {
    const store = new RedisStore(url, { heartbeatMs: 200, ...options });
    stores.push(store);
    return store;
  };

  /** GETs this Redis has executed so far, from every client. */
  const getsExecuted = async () => Number(/cmdstat_get:calls=(\d+)/.exec(await raw.info('commandstats'))?.[1] ?? 0);

  /** Polls until `check` passes: invalidations travel on another socket than the write's reply. */
  const soon = (check: () => Promise<unknown>) => eventually(check, 5000, 10);

  beforeAll(async () => {
    server = new RedisServerProcess(await freePort());
    await server.start();
    url = `redis://127.0.0.1:${server.port}`;
    raw = createClient({ url });
    await raw.connect();
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    raw?.destroy();
    await server?.kill();
  });

  it('answers a repeated GET locally once the heartbeat vouches for the connection', async () => {
    const store = open();
    const k = key();
    await store.set(k, 'v', 60);
    await soon(async () => {
      await expect(store.getCached(k)).resolves.toBe('v');
      const before = await getsExecuted();
      for (let i = 0; i < 20; i++) await expect(store.getCached(k)).resolves.toBe('v');
      expect((await getsExecuted()) - before).toBe(0);
    });
  });

  it('sees a write, a delete or a take by another client as soon as Redis tells it', async () => {
    const reader = open();
    const writer = open();
    const k = key();
    await writer.set(k, 'first', 60);
    await expect(reader.getCached(k)).resolves.toBe('first');
    await writer.set(k, 'second', 60);
    await soon(() => expect(reader.getCached(k)).resolves.toBe('second'));
    await raw.del(`cw:${k}`);
    await soon(() => expect(reader.getCached(k)).resolves.toBeNull());
    await writer.set(k, 'third', 60);
    await soon(() => expect(reader.getCached(k)).resolves.toBe('third'));
    await writer.take(k);
    await soon(() => expect(reader.getCached(k)).resolves.toBeNull());
  });

  it('forgets a copy whose key expired in Redis', async () => {
    const store = open();
    const k = key();
    await store.set(k, 'v', 60);
    await expect(store.getCached(k)).resolves.toBe('v');
    await raw.pExpire(`cw:${k}`, 1);
    await soon(() => expect(store.getCached(k)).resolves.toBeNull());
  });

  it('drops every copy on FLUSHALL', async () => {
    const store = open();
    const keys = [key(), key(), key()];
    for (const k of keys) {
      await store.set(k, 'v', 60);
      await expect(store.getCached(k)).resolves.toBe('v');
    }
    await raw.flushAll();
    for (const k of keys) await soon(() => expect(store.getCached(k)).resolves.toBeNull());
  });

  it('drops every copy when its connection is killed, and caches again after the reconnect', async () => {
    const store = open();
    const k = key();
    await store.set(k, 'before', 60);
    await expect(store.getCached(k)).resolves.toBe('before');
    // The change lands while the store is disconnected, so no invalidation can reach it.
    await raw.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']);
    await raw.set(`cw:${k}`, 'during', { EX: 60 });
    await soon(() => expect(store.getCached(k)).resolves.toBe('during'));
    await raw.set(`cw:${k}`, 'after', { EX: 60 });
    await soon(() => expect(store.getCached(k)).resolves.toBe('after'));
  });

  it('can be turned off (cachedKeys: 0): every read goes to Redis', async () => {
    const store = open({ cachedKeys: 0 });
    const k = key();
    await store.set(k, 'v', 60);
    await expect(store.getCached(k)).resolves.toBe('v');
    const before = await getsExecuted();
    for (let i = 0; i < 5; i++) await expect(store.getCached(k)).resolves.toBe('v');
    expect((await getsExecuted()) - before).toBe(5);
  });

  it('keeps get() exact: it never answers from a copy', async () => {
    const store = open();
    const k = key();
    await store.set(k, 'v', 60);
    await soon(async () => {
      await expect(store.getCached(k)).resolves.toBe('v');
      const before = await getsExecuted();
      for (let i = 0; i < 5; i++) await expect(store.get(k)).resolves.toBe('v');
      expect((await getsExecuted()) - before).toBe(5);
    });
  });

  it("drops the copy at once on this store's own writes", async () => {
    const store = open();
    const k = key();
    await store.set(k, 'first', 60);
    await expect(store.getCached(k)).resolves.toBe('first');
    await store.set(k, 'second', 60);
    await expect(store.getCached(k)).resolves.toBe('second');
    await store.delete(k);
    await expect(store.getCached(k)).resolves.toBeNull();
    await store.set(k, 'third', 60);
    await expect(store.getCached(k)).resolves.toBe('third');
    await expect(store.take(k)).resolves.toBe('third');
    await expect(store.getCached(k)).resolves.toBeNull();
  });
});
