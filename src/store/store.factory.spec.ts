import { MemoryStore } from './memory.store.js';
import { RedisStore } from './redis.store.js';
import { createStore, describeStoreUrl } from './store.factory.js';
import { parseRedisUrl } from './store-url.js';

describe('createStore', () => {
  it('builds a MemoryStore for memory://', async () => {
    const store = createStore('memory://');
    expect(store).toBeInstanceOf(MemoryStore);
    await store.close();
  });

  it.each([
    'redis://127.0.0.1:6379',
    'rediss://cache.example.com',
    'redis+sentinel://10.0.0.1:26379,10.0.0.2:26379/mymaster',
    'redis+cluster://10.0.0.1:7000,10.0.0.2:7001',
    'rediss+cluster://:secret@10.0.0.1:7000',
  ])('builds a RedisStore for %s without connecting', async (url) => {
    const store = createStore(url);
    expect(store).toBeInstanceOf(RedisStore);
    await store.close();
  });

  it.each(['postgres://db/x', 'memory://extra', 'http://redis:6379', '', 'redis-cluster://a:1'])('refuses %p and names the accepted forms', (url) => {
    expect(() => createStore(url)).toThrow(/Accepted forms: memory:\/\/, redis:\/\/.*redis\+sentinel:\/\/.*redis\+cluster:\/\//);
  });

  it('explains a malformed Redis URL without quoting its password', () => {
    let message = '';
    try {
      createStore('redis+sentinel://:hunter2@10.0.0.1:26379');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/must name the master/);
    expect(message).toContain('redis+sentinel://:***@10.0.0.1:26379');
    expect(message).not.toContain('hunter2');
  });

  it('does not leak a password through an unparseable URL either', () => {
    expect(() => createStore('redis://user:p@ss/word@host:6379')).toThrow();
    try {
      createStore('redis://user:p@ss/word@host:6379');
    } catch (error) {
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toMatch(/p@ss|word@/);
    }
  });
});

describe('describeStoreUrl', () => {
  it.each([
    ['redis://:s3cret@host:6379/2', 'redis://:***@host:6379/2'],
    ['rediss://alice:s3cret@host', 'rediss://alice:***@host'],
    ['redis+sentinel://u:p%40ss@h1:26379,h2:26379/mymaster', 'redis+sentinel://u:***@h1:26379,h2:26379/mymaster'],
    ['redis+cluster://:pw@h1:7000,h2:7001', 'redis+cluster://:***@h1:7000,h2:7001'],
    ['redis://user:p@ss@host', 'redis://user:***@host'],
    ['redis://host:6379', 'redis://host:6379'],
    ['redis://alice@host', 'redis://alice@host'],
    ['memory://', 'memory://'],
    ['just-a-secret-value', '<not a URL>'],
  ])('%s -> %s', (url, expected) => {
    expect(describeStoreUrl(url)).toBe(expected);
  });
});

describe('parseRedisUrl', () => {
  it('reads standalone URLs with credentials, port, database and TLS', () => {
    expect(parseRedisUrl('redis://al%20ice:p%40ss@cache:6380/3')).toEqual({
      kind: 'standalone', tls: false, node: { host: 'cache', port: 6380 }, database: 3, username: 'al ice', password: 'p@ss',
    });
    expect(parseRedisUrl('rediss://cache')).toEqual({ kind: 'standalone', tls: true, node: { host: 'cache', port: 6379 }, database: 0 });
    expect(parseRedisUrl('redis://[::1]:7000/')).toMatchObject({ node: { host: '::1', port: 7000 }, database: 0 });
  });

  it('reads Sentinel URLs: sentinels default to port 26379 and the path names the master', () => {
    expect(parseRedisUrl('redis+sentinel://:pw@s1,s2:26380/my%20master')).toEqual({
      kind: 'sentinel', tls: false, sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }], masterName: 'my master', password: 'pw',
    });
  });

  it('reads Cluster URLs: seeds default to port 6379', () => {
    expect(parseRedisUrl('rediss+cluster://n1:7000,n2,[fe80::1]:7002')).toEqual({
      kind: 'cluster', tls: true, seeds: [{ host: 'n1', port: 7000 }, { host: 'n2', port: 6379 }, { host: 'fe80::1', port: 7002 }],
    });
  });

  it.each([
    ['redis://a:1,b:2', /exactly one host/],
    ['redis://host/db1', /database number/],
    ['redis+sentinel://s1:26379', /name the master/],
    ['redis+sentinel://s1:26379/a/b', /name the master/],
    ['redis+cluster://n1:7000/0', /takes no path/],
    ['redis://host:70000', /host:port/],
    ['redis://host:6379?tls=true', /not a recognised/],
    ['redis://:%E0%A4%A@host', /percent-encoding/],
  ])('refuses %s', (url, reason) => {
    expect(() => parseRedisUrl(url)).toThrow(reason);
  });
});
