import { MemoryStore } from './memory.store.js';
import { StoreUnavailableError } from './store.js';
import { describeStoreContract } from './store.contract.js';

describeStoreContract('MemoryStore', async () => new MemoryStore());

describe('MemoryStore specifics', () => {
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    now = Date.UTC(2030, 0, 1);
  });

  it('reports expiry on read before any sweep has run', async () => {
    const store = new MemoryStore({ now: clock, sweepIntervalMs: 3_600_000 });
    await store.set('a', 'v', 10);
    now += 9_999;
    await expect(store.get('a')).resolves.toBe('v');
    now += 1;
    await expect(store.get('a')).resolves.toBeNull();
    await store.close();
  });

  it('purges expired keys in the background sweep without any read', async () => {
    const store = new MemoryStore({ now: clock, sweepIntervalMs: 10 });
    await store.set('short', 'v', 5);
    await store.set('long', 'v', 60);
    now += 6_000;
    expect(store.size).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.size).toBe(1);
    await expect(store.get('long')).resolves.toBe('v');
    await store.close();
  });

  it('does not keep the process alive, and close() clears its timer', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = timers();
    const store = new MemoryStore();
    // Node lists only timers that hold the process open.
    expect(timers()).toBe(before);
    const timer = (store as unknown as { sweepTimer: NodeJS.Timeout }).sweepTimer;
    timer.ref();
    expect(timers()).toBe(before + 1);
    await store.close();
    expect(timers()).toBe(before);
  });

  it('fails closed once full, after first reclaiming expired keys', async () => {
    const store = new MemoryStore({ now: clock, maxKeys: 2 });
    await store.set('a', 'v', 1);
    await store.set('b', 'v', 60);
    await expect(store.set('c', 'v', 60)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.increment('d', 60)).rejects.toBeInstanceOf(StoreUnavailableError);
    // Overwriting an existing key needs no room.
    await expect(store.set('b', 'w', 60)).resolves.toBeUndefined();
    now += 1_000;
    await expect(store.set('c', 'v', 60)).resolves.toBeUndefined();
    await expect(store.get('c')).resolves.toBe('v');
    await store.close();
  });

  it('bounds the number of subscriptions', async () => {
    const store = new MemoryStore({ maxSubscriptions: 2 });
    await store.subscribe('x', () => undefined);
    await store.subscribe('y', () => undefined);
    await expect(store.subscribe('z', () => undefined)).rejects.toThrow(/at most 2 subscriptions/);
    await store.close();
  });

  it('hands listener errors to onError and delivers outside the publisher call', async () => {
    const errors: unknown[] = [];
    const store = new MemoryStore({ onError: (error) => errors.push(error) });
    const failure = new Error('listener bug');
    let delivered = false;
    await store.subscribe('x', () => {
      delivered = true;
      throw failure;
    });
    await store.publish('x', 'm');
    expect(delivered).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered).toBe(true);
    expect(errors).toEqual([failure]);
    await store.close();
  });

  it('drops messages still in flight when closed', async () => {
    const store = new MemoryStore();
    const seen: string[] = [];
    await store.subscribe('x', (m) => seen.push(m));
    await store.publish('x', 'late');
    await store.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([]);
  });
});
