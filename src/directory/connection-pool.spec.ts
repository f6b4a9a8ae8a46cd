import { ConnectionPool, PoolUnavailableError } from './connection-pool.js';

interface FakeConnection {
  id: number;
  open: boolean;
}

function pool(options: { size?: number; failConnects?: () => boolean; now?: () => number } = {}) {
  let made = 0;
  const destroyed: number[] = [];
  const sut = new ConnectionPool<FakeConnection>({
    size: options.size ?? 2,
    create: async () => {
      if (options.failConnects?.()) throw new Error('ECONNREFUSED');
      return { id: ++made, open: true };
    },
    destroy: (connection) => destroyed.push(connection.id),
    alive: (connection) => connection.open,
    acquireTimeoutMs: 50,
    backoffMinMs: 100,
    backoffMaxMs: 400,
    now: options.now,
  });
  return { sut, destroyed, made: () => made };
}

describe('ConnectionPool', () => {
  it('reuses an idle connection and never makes more than size', async () => {
    const { sut, made } = pool({ size: 2 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const busy = [sut.use(() => held), sut.use(() => held)];
    // A third caller waits, and gives up after acquireTimeoutMs.
    await expect(sut.use(async () => 'x')).rejects.toBeInstanceOf(PoolUnavailableError);
    release();
    await Promise.all(busy);
    expect(await sut.use(async (c) => c.id)).toBeLessThanOrEqual(2);
    expect(made()).toBe(2);
  });

  it('hands a released connection to a waiter', async () => {
    const { sut, made } = pool({ size: 1 });
    let release!: () => void;
    let started!: () => void;
    const working = new Promise<void>((resolve) => (started = resolve));
    const first = sut.use(
      () =>
        new Promise<number>((resolve) => {
          release = () => resolve(1);
          started();
        }),
    );
    const second = sut.use(async (c) => c.id);
    await working;
    release();
    expect(await first).toBe(1);
    expect(await second).toBe(1);
    expect(made()).toBe(1);
  });

  it('destroys a connection whose work failed unless keep() says the server answered', async () => {
    const { sut, destroyed } = pool({ size: 1 });
    await expect(sut.use(async () => Promise.reject(new Error('socket hang up')))).rejects.toThrow('socket hang up');
    expect(destroyed).toEqual([1]);
    await expect(sut.use(async () => Promise.reject(new Error('no such object')), () => true)).rejects.toThrow();
    expect(destroyed).toEqual([1]);
    expect(await sut.use(async (c) => c.id)).toBe(2);
  });

  it('replaces a connection the server closed while it was idle', async () => {
    const { sut, destroyed } = pool({ size: 1 });
    const first = await sut.use(async (c) => c);
    first.open = false;
    expect(await sut.use(async (c) => c.id)).toBe(2);
    expect(destroyed).toEqual([1]);
  });

  it('after a failed connect, refuses at once until the backoff is over, doubling it up to the maximum', async () => {
    let now = 1000;
    let down = true;
    const { sut, made } = pool({ failConnects: () => down, now: () => now });
    await expect(sut.use(async () => 1)).rejects.toThrow('connect failed');
    expect(sut.backingOff).toBe(true);
    await expect(sut.use(async () => 1)).rejects.toThrow('not reconnecting yet');
    now += 100;
    await expect(sut.use(async () => 1)).rejects.toThrow('connect failed');
    now += 150;
    expect(sut.backingOff).toBe(true);
    now += 50;
    down = false;
    expect(await sut.use(async (c) => c.id)).toBe(1);
    expect(made()).toBe(1);
    expect(sut.backingOff).toBe(false);
  });
});
