import { createClient } from 'redis';
import { createServer, type Server } from 'node:net';
import { redisAvailable, redisUrl } from '../../test/support/services.js';
import { RedisStore } from './redis.store.js';
import { StoreUnavailableError } from './store.js';
import { describeStoreContract } from './store.contract.js';

const haveRedis = await redisAvailable();
const describeWithRedis = haveRedis ? describe : describe.skip;

/** Polls `read` until `done` holds (or 5 s pass) and answers the last value read. */
async function eventuallyValue<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const unique = () => `spec-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

describeWithRedis(`RedisStore against ${redisUrl}`, () => {
  describeStoreContract('RedisStore (standalone)', async () => new RedisStore(redisUrl));

  describe('Redis specifics', () => {
    const stores: RedisStore[] = [];
    const open = (options = {}) => {
      const store = new RedisStore(redisUrl, options);
      stores.push(store);
      return store;
    };
    const raw = createClient({ url: redisUrl });

    beforeAll(async () => {
      await raw.connect();
    });

    afterAll(async () => {
      await Promise.all(stores.map((store) => store.close()));
      raw.destroy();
    });

    it('prefixes every key with cw: and writes nothing unprefixed', async () => {
      const store = open();
      const key = unique();
      await store.set(key, 'v', 60);
      await store.increment(`${key}:n`, 60);
      await store.addToSet(`${key}:s`, 'm', 60);
      await expect(raw.get(`cw:${key}`)).resolves.toBe('v');
      await expect(raw.get(`cw:${key}:n`)).resolves.toBe('1');
      await expect(raw.sMembers(`cw:${key}:s`)).resolves.toEqual(['m']);
      await expect(raw.exists([key, `${key}:n`, `${key}:s`])).resolves.toBe(0);
    });

    it('honours a custom key prefix', async () => {
      const store = open({ keyPrefix: 'other:' });
      const key = unique();
      await store.set(key, 'v', 60);
      await expect(raw.get(`other:${key}`)).resolves.toBe('v');
      await expect(raw.get(`cw:${key}`)).resolves.toBeNull();
    });

    it('reports a key without expiry, written by something else, as an infinite TTL', async () => {
      const store = open();
      const key = unique();
      await raw.set(`cw:${key}`, 'v');
      await expect(store.ttl(key)).resolves.toBe(Number.POSITIVE_INFINITY);
      await raw.del(`cw:${key}`);
    });

    it('shares state between instances: a single-use value is taken once across them', async () => {
      const [a, b, c] = [open(), open(), open()];
      const key = unique();
      await a.set(key, 'token', 60);
      const results = await Promise.all([a, b, c, a, b, c].map((store) => store.take(key)));
      expect(results.filter((r) => r !== null)).toEqual(['token']);
    });

    it('publishes to subscribers on other instances', async () => {
      const [subscriber, publisher] = [open(), open()];
      const channel = unique();
      const received = new Promise<string>((resolve) => {
        void subscriber.subscribe(channel, resolve).then(() => publisher.publish(channel, 'revoked:123'));
      });
      await expect(received).resolves.toBe('revoked:123');
    });

    it('hands a listener exception to onError and keeps the subscription working', async () => {
      const errors: Error[] = [];
      const store = open({ onError: (error: Error) => errors.push(error) });
      const channel = unique();
      const seen: string[] = [];
      await store.subscribe(channel, (message) => {
        seen.push(message);
        if (message === 'boom') throw new Error('listener bug');
      });
      await store.publish(channel, 'boom');
      await store.publish(channel, 'after');
      const deadline = Date.now() + 5000;
      while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual(['boom', 'after']);
      expect(errors.map((e) => e.message)).toEqual(['listener bug']);
    });

    it('does not connect until first used', async () => {
      const before = await raw.clientList();
      const store = open();
      await new Promise((r) => setTimeout(r, 200));
      const idle = await raw.clientList();
      expect(idle.length).toBe(before.length);
      await store.ping();
      // The command connection, and the one for tracked reads (getCached) that starts with the first call.
      const after = await eventuallyValue(async () => (await raw.clientList()).length, (n) => n === before.length + 2);
      expect(after).toBe(before.length + 2);
    });

    it('opens only the command connection when local copies are off (cachedKeys: 0)', async () => {
      const before = await raw.clientList();
      const store = open({ cachedKeys: 0 });
      await store.ping();
      await new Promise((r) => setTimeout(r, 200));
      expect((await raw.clientList()).length).toBe(before.length + 1);
    });
  });
});

describe('RedisStore fails closed fast without a usable Redis', () => {
  const within = async (call: () => Promise<unknown>, limitMs = 1500) => {
    const started = Date.now();
    const outcome = await call().then(
      () => 'resolved',
      (error: unknown) => error,
    );
    return { outcome, elapsed: Date.now() - started, limitMs };
  };

  it('rejects within about a second when nothing listens on the port', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const { port } = free.address() as { port: number };
    await new Promise((resolve) => free.close(resolve));
    const store = new RedisStore(`redis://127.0.0.1:${port}`, { onError: () => undefined });
    try {
      for (const call of [() => store.get('a'), () => store.set('a', 'v', 10), () => store.ping(), () => store.subscribe('c', () => undefined)]) {
        const { outcome, elapsed } = await within(call);
        expect(outcome).toBeInstanceOf(StoreUnavailableError);
        expect(elapsed).toBeLessThan(1500);
      }
    } finally {
      await store.close();
    }
  });

  describe('against a server that accepts connections but never answers', () => {
    let silent: Server;
    let port: number;
    const sockets = new Set<import('node:net').Socket>();

    beforeAll(async () => {
      silent = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as { port: number }).port;
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('rejects every call with StoreUnavailableError within about a second', async () => {
      const store = new RedisStore(`redis://127.0.0.1:${port}`, { onError: () => undefined });
      try {
        const started = Date.now();
        const outcomes = await Promise.allSettled([store.get('a'), store.increment('n', 10), store.take('t'), store.ping()]);
        expect(Date.now() - started).toBeLessThan(1500);
        for (const outcome of outcomes) {
          expect(outcome.status).toBe('rejected');
          expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
        }
      } finally {
        await store.close();
      }
    });

    it('honours a shorter timeoutMs', async () => {
      const store = new RedisStore(`redis://127.0.0.1:${port}`, { timeoutMs: 200, onError: () => undefined });
      try {
        const { outcome, elapsed } = await within(() => store.get('a'));
        expect(outcome).toBeInstanceOf(StoreUnavailableError);
        expect(elapsed).toBeLessThan(700);
      } finally {
        await store.close();
      }
    });
  });

  it('applies the same bound to Cluster and Sentinel seeds that do not answer', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const { port } = free.address() as { port: number };
    await new Promise((resolve) => free.close(resolve));
    for (const url of [`redis+cluster://127.0.0.1:${port}`, `redis+sentinel://127.0.0.1:${port}/mymaster`]) {
      const store = new RedisStore(url, { onError: () => undefined });
      try {
        for (let attempt = 0; attempt < 3; attempt++) {
          const { outcome, elapsed } = await within(() => store.get('a'));
          expect(outcome).toBeInstanceOf(StoreUnavailableError);
          expect(elapsed).toBeLessThan(1500);
        }
      } finally {
        await store.close();
      }
    }
  });
});
