/**
 * The one contract suite for the store port. Every implementation runs it
 * (memory.store.spec.ts, redis.store.spec.ts, and the Redis Cluster and
 * Sentinel e2e tests), so callers can rely on identical behaviour whichever
 * store the config picks.
 *
 * TTLs are real seconds because Redis cannot be given a fake clock; the short
 * waits below use generous margins so the suite is not flaky, and each test
 * names its keys under a fresh random prefix so runs never see each other's data.
 */
import { Store, StoreUnavailableError } from './store.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Subscribes to `channel`; once subscribed, `messages` settles with the first
 * `count` messages, or rejects after `timeoutMs` listing what did arrive.
 */
async function listen(store: Store, channel: string, count: number, timeoutMs = 5000): Promise<{ messages: Promise<string[]> }> {
  const seen: string[] = [];
  let arrived!: () => void;
  const allArrived = new Promise<void>((resolve) => (arrived = resolve));
  await store.subscribe(channel, (message) => {
    seen.push(message);
    if (seen.length === count) arrived();
  });
  const messages = new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`saw ${seen.length} of ${count} messages: ${JSON.stringify(seen)}`)), timeoutMs);
    void allArrived.then(() => {
      clearTimeout(timer);
      resolve([...seen]);
    });
  });
  return { messages };
}

export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let prefix: string;
    /** A key (or channel) private to the running test. */
    const k = (suffix: string) => `${prefix}:${suffix}`;

    beforeAll(async () => {
      store = await makeStore();
    });

    afterAll(async () => {
      await store?.close();
    });

    beforeEach(() => {
      prefix = `contract-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    });

    describe('get / set', () => {
      it('returns null for a key that was never written', async () => {
        await expect(store.get(k('absent'))).resolves.toBeNull();
      });

      it('returns what was set, byte for byte, including the empty string', async () => {
        const value = 'ünïcödé 🔑 with spaces, "quotes" and\nnewlines';
        await store.set(k('a'), value, 60);
        await store.set(k('empty'), '', 60);
        await expect(store.get(k('a'))).resolves.toBe(value);
        await expect(store.get(k('empty'))).resolves.toBe('');
      });

      it('accepts keys with colons, spaces and non-ASCII characters', async () => {
        const key = k('user:José Müller:{tag}');
        await store.set(key, 'v', 60);
        await expect(store.get(key)).resolves.toBe('v');
      });

      it('overwrites the value and the TTL', async () => {
        await store.set(k('a'), 'first', 600);
        await store.set(k('a'), 'second', 10);
        await expect(store.get(k('a'))).resolves.toBe('second');
        const ttl = await store.ttl(k('a'));
        expect(ttl).toBeGreaterThanOrEqual(9);
        expect(ttl).toBeLessThanOrEqual(10);
      });

      it('forgets the key once its TTL has passed', async () => {
        await store.set(k('short'), 'v', 1);
        await store.set(k('long'), 'v', 60);
        await expect(store.get(k('short'))).resolves.toBe('v');
        await sleep(1600);
        await expect(store.get(k('short'))).resolves.toBeNull();
        await expect(store.ttl(k('short'))).resolves.toBeNull();
        await expect(store.get(k('long'))).resolves.toBe('v');
      });

      it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a TTL of %p with a RangeError and writes nothing', async (ttl) => {
        await expect(store.set(k('a'), 'v', ttl)).rejects.toThrow(RangeError);
        await expect(store.setIfAbsent(k('a'), 'v', ttl)).rejects.toThrow(RangeError);
        await expect(store.increment(k('n'), ttl)).rejects.toThrow(RangeError);
        await expect(store.addToSet(k('s'), 'm', ttl)).rejects.toThrow(RangeError);
        await expect(store.get(k('a'))).resolves.toBeNull();
        await expect(store.ttl(k('n'))).resolves.toBeNull();
        await expect(store.ttl(k('s'))).resolves.toBeNull();
      });
    });

    describe('ttl', () => {
      it('is null for an absent key', async () => {
        await expect(store.ttl(k('absent'))).resolves.toBeNull();
      });

      it('reports the remaining whole seconds', async () => {
        await store.set(k('a'), 'v', 120);
        const ttl = await store.ttl(k('a'));
        expect(ttl).toBeGreaterThanOrEqual(119);
        expect(ttl).toBeLessThanOrEqual(120);
      });

      it('counts down', async () => {
        await store.set(k('a'), 'v', 3);
        await sleep(1600);
        const ttl = await store.ttl(k('a'));
        expect(ttl).toBeGreaterThanOrEqual(1);
        expect(ttl).toBeLessThanOrEqual(2);
      });
    });

    describe('getCached', () => {
      it('reads what get reads, and follows this store\'s own writes at once', async () => {
        await expect(store.getCached(k('gc'))).resolves.toBeNull();
        await store.set(k('gc'), 'first', 60);
        await expect(store.getCached(k('gc'))).resolves.toBe('first');
        await store.set(k('gc'), 'second', 60);
        await expect(store.getCached(k('gc'))).resolves.toBe('second');
        await store.delete(k('gc'));
        await expect(store.getCached(k('gc'))).resolves.toBeNull();
        await store.set(k('gc'), 'third', 60);
        await expect(store.getCached(k('gc'))).resolves.toBe('third');
        await expect(store.take(k('gc'))).resolves.toBe('third');
        await expect(store.getCached(k('gc'))).resolves.toBeNull();
        await expect(store.setIfAbsent(k('gc'), 'fourth', 60)).resolves.toBe(true);
        await expect(store.getCached(k('gc'))).resolves.toBe('fourth');
      });
    });

    describe('getAndTouch', () => {
      it('returns null for an absent key and does not create it', async () => {
        await expect(store.getAndTouch(k('absent'), 60)).resolves.toBeNull();
        await expect(store.ttl(k('absent'))).resolves.toBeNull();
        await expect(store.get(k('absent'))).resolves.toBeNull();
      });

      it('returns the value and resets the TTL, keeping the key alive past its old expiry', async () => {
        await store.set(k('a'), 'v', 1);
        await expect(store.getAndTouch(k('a'), 60)).resolves.toBe('v');
        expect(await store.ttl(k('a'))).toBeGreaterThanOrEqual(59);
        await sleep(1600);
        await expect(store.get(k('a'))).resolves.toBe('v');
      });

      it('can also shorten the TTL, since it resets rather than extends', async () => {
        await store.set(k('a'), 'v', 600);
        await expect(store.getAndTouch(k('a'), 5)).resolves.toBe('v');
        expect(await store.ttl(k('a'))).toBeLessThanOrEqual(5);
      });
    });

    describe('setIfAbsent', () => {
      it('creates the key once: true, then false without touching the value or TTL', async () => {
        await expect(store.setIfAbsent(k('a'), 'first', 60)).resolves.toBe(true);
        await expect(store.setIfAbsent(k('a'), 'second', 600)).resolves.toBe(false);
        await expect(store.get(k('a'))).resolves.toBe('first');
        expect(await store.ttl(k('a'))).toBeLessThanOrEqual(60);
      });

      it('succeeds again once the first value expired', async () => {
        await expect(store.setIfAbsent(k('a'), 'first', 1)).resolves.toBe(true);
        await sleep(1600);
        await expect(store.setIfAbsent(k('a'), 'second', 60)).resolves.toBe(true);
        await expect(store.get(k('a'))).resolves.toBe('second');
      });

      it('lets exactly one of many concurrent callers win', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.setIfAbsent(k('race'), `caller-${i}`, 60)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        await expect(store.get(k('race'))).resolves.toBe(`caller-${winner}`);
      });

      it('treats an existing set as present', async () => {
        await store.addToSet(k('s'), 'm', 60);
        await expect(store.setIfAbsent(k('s'), 'v', 60)).resolves.toBe(false);
        await expect(store.setMembers(k('s'))).resolves.toEqual(['m']);
      });
    });

    describe('take', () => {
      it('returns the value once and then null', async () => {
        await store.set(k('once'), 'token', 60);
        await expect(store.take(k('once'))).resolves.toBe('token');
        await expect(store.take(k('once'))).resolves.toBeNull();
        await expect(store.get(k('once'))).resolves.toBeNull();
      });

      it('returns null for an absent key', async () => {
        await expect(store.take(k('absent'))).resolves.toBeNull();
      });

      it('is single-use even when many callers take at once', async () => {
        await store.set(k('once'), 'token', 60);
        const results = await Promise.all(Array.from({ length: 20 }, () => store.take(k('once'))));
        expect(results.filter((r) => r !== null)).toEqual(['token']);
      });

      it('does not return an expired value', async () => {
        await store.set(k('once'), 'token', 1);
        await sleep(1600);
        await expect(store.take(k('once'))).resolves.toBeNull();
      });
    });

    describe('delete', () => {
      it('removes the keys and counts only those that existed', async () => {
        await store.set(k('a'), 'v', 60);
        await store.set(k('b'), 'v', 60);
        await store.addToSet(k('s'), 'm', 60);
        await store.set(k('kept'), 'v', 60);
        await expect(store.delete(k('a'), k('b'), k('s'), k('absent'))).resolves.toBe(3);
        await expect(store.get(k('a'))).resolves.toBeNull();
        await expect(store.get(k('b'))).resolves.toBeNull();
        await expect(store.setMembers(k('s'))).resolves.toEqual([]);
        await expect(store.get(k('kept'))).resolves.toBe('v');
      });

      it('deletes keys that land in different hash slots (Redis Cluster)', async () => {
        // With Redis Cluster these names hash to different slots; a single
        // multi-key DEL would fail with CROSSSLOT.
        const keys = ['sess:1', 'subj:alice', 'lock:ip:203.0.113.7', 'replay:x', 'flow:y'].map(k);
        for (const key of keys) await store.set(key, 'v', 60);
        await expect(store.delete(...keys)).resolves.toBe(keys.length);
        for (const key of keys) await expect(store.get(key)).resolves.toBeNull();
      });

      it('resolves 0 for no keys or absent keys', async () => {
        await expect(store.delete()).resolves.toBe(0);
        await expect(store.delete(k('absent'))).resolves.toBe(0);
      });
    });

    describe('deleteIfEquals', () => {
      it('deletes the key only while it holds the given value', async () => {
        await store.set(k('claim'), 'mine', 60);
        await expect(store.deleteIfEquals(k('claim'), 'theirs')).resolves.toBe(false);
        await expect(store.get(k('claim'))).resolves.toBe('mine');
        await expect(store.deleteIfEquals(k('claim'), 'mine')).resolves.toBe(true);
        await expect(store.get(k('claim'))).resolves.toBeNull();
        await expect(store.deleteIfEquals(k('claim'), 'mine')).resolves.toBe(false);
      });

      it('leaves a newer claim of the same key alone', async () => {
        await store.setIfAbsent(k('claim'), 'first', 60);
        await store.delete(k('claim'));
        await expect(store.setIfAbsent(k('claim'), 'second', 60)).resolves.toBe(true);
        await expect(store.deleteIfEquals(k('claim'), 'first')).resolves.toBe(false);
        await expect(store.get(k('claim'))).resolves.toBe('second');
      });

      it('resolves false for an absent key, and leaves a set alone', async () => {
        await expect(store.deleteIfEquals(k('absent'), 'v')).resolves.toBe(false);
        await store.addToSet(k('s'), 'v', 60);
        await expect(store.deleteIfEquals(k('s'), 'v')).resolves.toBe(false);
        await expect(store.setMembers(k('s'))).resolves.toEqual(['v']);
      });

      it('lets exactly one of many concurrent callers delete', async () => {
        await store.set(k('claim'), 'v', 60);
        const results = await Promise.all(Array.from({ length: 20 }, () => store.deleteIfEquals(k('claim'), 'v')));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('increment', () => {
      it('counts 1, 2, 3 from an absent key and is readable with get', async () => {
        await expect(store.increment(k('n'), 60)).resolves.toBe(1);
        await expect(store.increment(k('n'), 60)).resolves.toBe(2);
        await expect(store.increment(k('n'), 60)).resolves.toBe(3);
        await expect(store.get(k('n'))).resolves.toBe('3');
      });

      it('sets the TTL on creation only (a fixed window), then starts over after it', async () => {
        await expect(store.increment(k('n'), 2)).resolves.toBe(1);
        await sleep(1100);
        // A sliding implementation would push the expiry back to 2 s here.
        await expect(store.increment(k('n'), 2)).resolves.toBe(2);
        expect(await store.ttl(k('n'))).toBeLessThanOrEqual(1);
        await sleep(1500);
        await expect(store.increment(k('n'), 2)).resolves.toBe(1);
      });

      it('ignores a different TTL on later increments', async () => {
        await store.increment(k('n'), 10);
        await store.increment(k('n'), 600);
        expect(await store.ttl(k('n'))).toBeLessThanOrEqual(10);
      });

      it('keeps the TTL of an existing numeric value', async () => {
        await store.set(k('n'), '41', 10);
        await expect(store.increment(k('n'), 600)).resolves.toBe(42);
        expect(await store.ttl(k('n'))).toBeLessThanOrEqual(10);
      });

      it('loses no update under concurrent increments', async () => {
        const results = await Promise.all(Array.from({ length: 25 }, () => store.increment(k('n'), 60)));
        expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
        await expect(store.get(k('n'))).resolves.toBe('25');
      });

      it('rejects with StoreUnavailableError on a value that is not an integer', async () => {
        await store.set(k('n'), 'not-a-number', 60);
        await expect(store.increment(k('n'), 60)).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.get(k('n'))).resolves.toBe('not-a-number');
      });
    });

    describe('sets', () => {
      it('adds members once each and lists them', async () => {
        await store.addToSet(k('s'), 'a', 60);
        await store.addToSet(k('s'), 'b', 60);
        await store.addToSet(k('s'), 'a', 60);
        await store.addToSet(k('s'), '', 60);
        expect((await store.setMembers(k('s'))).sort()).toEqual(['', 'a', 'b']);
      });

      it('lists an absent set as empty', async () => {
        await expect(store.setMembers(k('absent'))).resolves.toEqual([]);
      });

      it('keeps the longer TTL: a shorter request never shortens the set', async () => {
        await store.addToSet(k('s'), 'a', 600);
        await store.addToSet(k('s'), 'b', 10);
        expect(await store.ttl(k('s'))).toBeGreaterThanOrEqual(599);
      });

      it('extends the TTL when a longer one is requested', async () => {
        await store.addToSet(k('s'), 'a', 10);
        await store.addToSet(k('s'), 'b', 600);
        expect(await store.ttl(k('s'))).toBeGreaterThanOrEqual(599);
      });

      it('expires as a whole once its TTL has passed', async () => {
        await store.addToSet(k('s'), 'a', 1);
        await sleep(1600);
        await expect(store.setMembers(k('s'))).resolves.toEqual([]);
        await expect(store.ttl(k('s'))).resolves.toBeNull();
      });

      it('removes a member and keeps the others', async () => {
        await store.addToSet(k('s'), 'a', 60);
        await store.addToSet(k('s'), 'b', 60);
        await store.removeFromSet(k('s'), 'a');
        await store.removeFromSet(k('s'), 'never-there');
        await expect(store.setMembers(k('s'))).resolves.toEqual(['b']);
      });

      it('drops the set with its last member', async () => {
        await store.addToSet(k('s'), 'a', 60);
        await store.removeFromSet(k('s'), 'a');
        await expect(store.ttl(k('s'))).resolves.toBeNull();
        await expect(store.setIfAbsent(k('s'), 'now-a-string', 60)).resolves.toBe(true);
      });

      it('tolerates removing from an absent set', async () => {
        await expect(store.removeFromSet(k('absent'), 'a')).resolves.toBeUndefined();
        await expect(store.ttl(k('absent'))).resolves.toBeNull();
      });
    });

    describe('a key used as the wrong kind', () => {
      it('rejects with StoreUnavailableError and leaves the data alone', async () => {
        await store.addToSet(k('s'), 'm', 60);
        await store.set(k('str'), 'v', 60);
        await expect(store.get(k('s'))).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.take(k('s'))).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.getAndTouch(k('s'), 60)).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.increment(k('s'), 60)).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.addToSet(k('str'), 'm', 60)).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.setMembers(k('str'))).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.removeFromSet(k('str'), 'm')).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.setMembers(k('s'))).resolves.toEqual(['m']);
        await expect(store.get(k('str'))).resolves.toBe('v');
      });

      it('is replaced outright by set, as Redis SET does', async () => {
        await store.addToSet(k('s'), 'm', 60);
        await store.set(k('s'), 'v', 60);
        await expect(store.get(k('s'))).resolves.toBe('v');
      });
    });

    describe('publish / subscribe', () => {
      it('delivers a published message to the subscriber, in order', async () => {
        const received = await listen(store, k('chan'), 3);
        await store.publish(k('chan'), 'one');
        await store.publish(k('chan'), 'two');
        await store.publish(k('chan'), 'three');
        await expect(received.messages).resolves.toEqual(['one', 'two', 'three']);
      });

      it('delivers to every subscriber of the channel and to no other channel', async () => {
        const first = await listen(store, k('chan'), 1);
        const second = await listen(store, k('chan'), 1);
        const elsewhere: string[] = [];
        await store.subscribe(k('other'), (message) => elsewhere.push(message));
        await store.publish(k('chan'), 'hello');
        await expect(first.messages).resolves.toEqual(['hello']);
        await expect(second.messages).resolves.toEqual(['hello']);
        // A later message on `other` arrives after anything misrouted would have.
        const later = await listen(store, k('other'), 1);
        await store.publish(k('other'), 'marker');
        await later.messages;
        expect(elsewhere).toEqual(['marker']);
      });

      it('keeps delivering when one listener throws', async () => {
        await store.subscribe(k('chan'), () => {
          throw new Error('listener bug');
        });
        const received = await listen(store, k('chan'), 2);
        await store.publish(k('chan'), 'a');
        await store.publish(k('chan'), 'b');
        await expect(received.messages).resolves.toEqual(['a', 'b']);
      });

      it('accepts a publish that nobody hears', async () => {
        await expect(store.publish(k('nobody'), 'x')).resolves.toBeUndefined();
      });
    });

    describe('ping and close', () => {
      it('ping resolves while the store is reachable', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('rejects every call with StoreUnavailableError after close, and close is idempotent', async () => {
        const closing = await makeStore();
        await closing.set(k('a'), 'v', 60);
        await expect(closing.getCached(k('a'))).resolves.toBe('v');
        await closing.close();
        await closing.close();
        const calls: Record<string, () => Promise<unknown>> = {
          get: () => closing.get(k('a')),
          getCached: () => closing.getCached(k('a')),
          getAndTouch: () => closing.getAndTouch(k('a'), 60),
          set: () => closing.set(k('a'), 'v', 60),
          setIfAbsent: () => closing.setIfAbsent(k('b'), 'v', 60),
          take: () => closing.take(k('a')),
          delete: () => closing.delete(k('a')),
          deleteIfEquals: () => closing.deleteIfEquals(k('a'), 'v'),
          increment: () => closing.increment(k('n'), 60),
          addToSet: () => closing.addToSet(k('s'), 'm', 60),
          setMembers: () => closing.setMembers(k('s')),
          removeFromSet: () => closing.removeFromSet(k('s'), 'm'),
          ttl: () => closing.ttl(k('a')),
          publish: () => closing.publish(k('chan'), 'x'),
          subscribe: () => closing.subscribe(k('chan'), () => undefined),
          ping: () => closing.ping(),
        };
        const outcomes: Record<string, string> = {};
        for (const [method, call] of Object.entries(calls)) {
          outcomes[method] = await call().then(
            () => 'resolved',
            (error: unknown) => (error instanceof StoreUnavailableError ? 'StoreUnavailableError' : String(error)),
          );
        }
        expect(outcomes).toEqual(Object.fromEntries(Object.keys(calls).map((method) => [method, 'StoreUnavailableError'])));
        // Closing one store leaves the others working.
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });
  });
}
