/**
 * The store must fail closed, fast, while Redis is down, and serve again by
 * itself once Redis is back: this test crashes a private redis-server under
 * a live RedisStore and restarts it on the same port.
 */
import { RedisStore } from '../../src/store/redis.store.js';
import { StoreUnavailableError } from '../../src/store/store.js';
import { eventually, freePort, redisBinariesAvailable, RedisServerProcess, sleep } from './redis-processes.js';

const describeWithRedis = redisBinariesAvailable() ? describe : describe.skip;

// Generous next to the store's 1 s timeout, so a slow CI machine does not flake.
const FAIL_FAST_BOUND_MS = 2000;
const PASSWORD = 'pw-never-in-logs-7f3a';
const HEARTBEAT_MS = 1000;

describeWithRedis('RedisStore through a Redis crash and restart', () => {
  let server: RedisServerProcess;
  let store: RedisStore;
  const reported: Error[] = [];

  beforeAll(async () => {
    server = new RedisServerProcess(await freePort(), ['--requirepass', PASSWORD]);
    await server.start();
    store = new RedisStore(`redis://:${PASSWORD}@127.0.0.1:${server.port}`, { onError: (error) => reported.push(error), heartbeatMs: HEARTBEAT_MS });
  });

  afterAll(async () => {
    await store?.close();
    await server?.kill();
  });

  /** Runs every kind of call at once; each must reject with StoreUnavailableError within the bound. */
  async function expectAllFailFast(): Promise<void> {
    const calls: Record<string, () => Promise<unknown>> = {
      get: () => store.get('k'),
      getCached: () => store.getCached('k'),
      getAndTouch: () => store.getAndTouch('k', 60),
      set: () => store.set('k', 'v', 60),
      setIfAbsent: () => store.setIfAbsent('k', 'v', 60),
      take: () => store.take('k'),
      delete: () => store.delete('k', 'other'),
      increment: () => store.increment('n', 60),
      addToSet: () => store.addToSet('s', 'm', 60),
      setMembers: () => store.setMembers('s'),
      removeFromSet: () => store.removeFromSet('s', 'm'),
      ttl: () => store.ttl('k'),
      publish: () => store.publish('events', 'x'),
      subscribe: () => store.subscribe('other-events', () => undefined),
      ping: () => store.ping(),
    };
    const outcomes = await Promise.all(
      Object.entries(calls).map(async ([method, call]) => {
        const started = Date.now();
        const outcome = await call().then(
          () => 'resolved',
          (error: unknown) => (error instanceof StoreUnavailableError ? 'StoreUnavailableError' : String(error)),
        );
        return [method, { outcome, fastEnough: Date.now() - started < FAIL_FAST_BOUND_MS }] as const;
      }),
    );
    expect(Object.fromEntries(outcomes)).toEqual(
      Object.fromEntries(Object.keys(calls).map((method) => [method, { outcome: 'StoreUnavailableError', fastEnough: true }])),
    );
  }

  it('serves, fails closed fast while Redis is down, then recovers on the same instance', async () => {
    await store.set('k', 'v', 60);
    await expect(store.get('k')).resolves.toBe('v');
    await expect(store.getCached('k')).resolves.toBe('v');
    const messages: string[] = [];
    await store.subscribe('events', (message) => messages.push(message));
    await store.publish('events', 'before');
    await eventually(async () => expect(messages).toEqual(['before']), 5000);

    await server.kill();
    // `k` was read, so the store may hold a copy of it (client-side cache). The
    // copy is dropped as soon as the driver sees the connection close, and at
    // the latest when the heartbeat goes unanswered: never later than two
    // heartbeats plus one timeout after the crash.
    const crashedAt = Date.now();
    await eventually(() => expect(store.getCached('k')).rejects.toBeInstanceOf(StoreUnavailableError), 10_000, 10);
    expect(Date.now() - crashedAt).toBeLessThan(2 * HEARTBEAT_MS + FAIL_FAST_BOUND_MS);
    await expectAllFailFast();
    // Still fast after the driver has been failing to reconnect for a while.
    await sleep(2500);
    await expectAllFailFast();

    await server.start();
    // Recovery needs no new store and no call to anything but the store itself.
    await eventually(() => store.ping(), 10_000);
    // The restarted Redis starts empty, so anything here would be a write
    // that "failed" during the outage and was replayed from a queue later.
    await expect(store.get('k')).resolves.toBeNull();
    await expect(store.ttl('n')).resolves.toBeNull();
    await expect(store.setMembers('s')).resolves.toEqual([]);
    await store.set('k', 'again', 60);
    await expect(store.get('k')).resolves.toBe('again');
    await expect(store.increment('n', 60)).resolves.toBe(1);

    // The subscription made before the crash was restored by the reconnect.
    await eventually(async () => {
      await store.publish('events', 'after');
      await sleep(100);
      expect(messages).toContain('after');
    }, 10_000);
  });

  it('told onError about the outage without ever revealing the password', () => {
    expect(reported.length).toBeGreaterThan(0);
    for (const error of reported) {
      expect(JSON.stringify({ message: error.message, stack: error.stack, cause: String(error.cause) })).not.toContain(PASSWORD);
    }
  });

  it('rejects a wrong password with StoreUnavailableError that does not quote it', async () => {
    const wrong = 'wrong-pw-9c1d';
    const errors: Error[] = [];
    const bad = new RedisStore(`redis://:${wrong}@127.0.0.1:${server.port}`, { onError: (error) => errors.push(error) });
    try {
      const error = await bad.get('k').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      const seen = [error, ...errors].map((e) => `${(e as Error).message} ${(e as Error).stack} ${String((e as Error).cause)}`).join('\n');
      expect(seen).not.toContain(wrong);
      expect(seen).not.toContain(PASSWORD);
    } finally {
      await bad.close();
    }
  });
});
