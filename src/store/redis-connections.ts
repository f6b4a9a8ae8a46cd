/**
 * Connections to Redis for RedisStore, whatever the topology: standalone
 * (one connection for commands, a second for pub/sub), Sentinel and Cluster
 * (the driver discovers the topology and is replaced after a failed
 * discovery). A backend made for tracked reads speaks RESP3 with client
 * tracking (see redis.store.ts); the others speak RESP2 and cache nothing.
 */
import { EventEmitter } from 'node:events';
import { createClient, createCluster, createSentinel, defineScript, type CommandParser, type RedisClientOptions } from 'redis';
import type { NodeCommandSender } from './redis-persistence.js';
import type { RedisNodeAddress, RedisTarget } from './store-url.js';

/*
 * INCR and EXPIRE in one atomic step. The TTL is set only while the key has
 * none, i.e. when INCR just created it (EXPIRE NX, without needing Redis 7),
 * so the window is fixed rather than sliding.
 */
const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count`;

/* SADD, then raise the TTL to the requested one unless it is already longer (PTTL is -1 for a new set). */
const ADD_TO_SET = `
redis.call('SADD', KEYS[1], ARGV[1])
local wanted = tonumber(ARGV[2]) * 1000
if redis.call('PTTL', KEYS[1]) < wanted then redis.call('PEXPIRE', KEYS[1], wanted) end
return 1`;

/* DEL only while the key holds ARGV[1]; a set (WRONGTYPE for GET) is left alone. */
const DELETE_IF_EQUALS = `
if redis.call('TYPE', KEYS[1]).ok ~= 'string' then return 0 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// defineScript makes the driver use EVALSHA and fall back to EVAL once per
// connection, and routes by the key on Cluster.
const SCRIPTS = {
  cwIncrement: defineScript({
    SCRIPT: INCREMENT,
    NUMBER_OF_KEYS: 1,
    parseCommand(parser: CommandParser, key: string, ttlSeconds: number) {
      parser.pushKey(key);
      parser.push(String(ttlSeconds));
    },
    transformReply: (reply: number) => Number(reply),
  }),
  cwAddToSet: defineScript({
    SCRIPT: ADD_TO_SET,
    NUMBER_OF_KEYS: 1,
    parseCommand(parser: CommandParser, key: string, member: string, ttlSeconds: number) {
      parser.pushKey(key);
      parser.push(member, String(ttlSeconds));
    },
    transformReply: () => undefined,
  }),
  cwDeleteIfEquals: defineScript({
    SCRIPT: DELETE_IF_EQUALS,
    NUMBER_OF_KEYS: 1,
    parseCommand(parser: CommandParser, key: string, value: string) {
      parser.pushKey(key);
      parser.push(value);
    },
    transformReply: (reply: number) => Number(reply) === 1,
  }),
};

/** The commands this store sends. Standalone, Sentinel and Cluster drivers all provide them. */
export interface Commands {
  get(key: string): Promise<string | null>;
  getEx(key: string, options: { type: 'EX'; value: number }): Promise<string | null>;
  set(key: string, value: string, options: { expiration: { type: 'EX'; value: number }; condition?: 'NX' }): Promise<string | null>;
  getDel(key: string): Promise<string | null>;
  del(keys: string[]): Promise<number>;
  sMembers(key: string): Promise<string[]>;
  sRem(key: string, member: string): Promise<number>;
  ttl(key: string): Promise<number>;
  cwIncrement(key: string, ttlSeconds: number): Promise<number>;
  cwAddToSet(key: string, member: string, ttlSeconds: number): Promise<void>;
  cwDeleteIfEquals(key: string, value: string): Promise<boolean>;
}

/** The driver hands over strings unless asked for buffers, but types the message as either. */
export type Listener = (message: string | Buffer) => void;

/** A usable connection to the data, whatever the topology. */
export interface Connected {
  /** Single-key commands, which every driver routes by itself. */
  commands: Commands;
  deleteKeys(keys: string[]): Promise<number>;
  publish(channel: string, message: string): Promise<void>;
  ping(): Promise<void>;
  /** One sender of keyless server commands (CONFIG GET, INFO) per node that holds data: the server, the Sentinel master, each Cluster master. */
  dataNodes(): Promise<NodeCommandSender[]>;
}

/** What differs between standalone, Sentinel and Cluster. */
export interface Backend {
  /** Drops every locally cached value (they are re-read from Redis on the next GET). */
  dropCachedValues(): void;
  /** Drops the local copy of one (prefixed) key, if any. */
  forgetCachedValue(key: string): void;
  /** A usable connection; waits for one no longer than `signal` allows. */
  connected(signal: AbortSignal): Promise<Connected>;
  subscribe(channel: string, listener: Listener, signal: AbortSignal): Promise<void>;
  /** Best effort, used to undo a subscription whose call already timed out. */
  unsubscribe(channel: string, listener: Listener): Promise<void>;
  close(): Promise<void>;
}

export interface DriverSettings {
  reconnectStrategy: (retries: number) => number;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  reportError: (error: unknown) => void;
  /** > 0: connections for tracked reads (RESP3, client-side cache of this many keys); 0: plain RESP2 connections. */
  cachedKeys: number;
}

export function createBackend(target: RedisTarget, settings: DriverSettings): Backend {
  switch (target.kind) {
    case 'standalone':
      return new StandaloneBackend(target, settings);
    case 'sentinel':
      return new ReconnectingBackend((cancelled) => openSentinel(target, settings, cancelled), settings);
    case 'cluster':
      return new ReconnectingBackend((cancelled) => openCluster(target, settings, cancelled), settings);
  }
}

/** Options shared by every connection to a Redis node, whatever the topology. */
function nodeOptions(target: RedisTarget, settings: DriverSettings) {
  return {
    username: target.username,
    password: target.password,
    // A command issued while the connection is down fails at once instead of
    // waiting in a queue for a Redis that may not come back.
    disableOfflineQueue: true,
    socket: socketOptions(target.tls, settings),
  } satisfies Partial<RedisClientOptions>;
}

function socketOptions(tls: boolean, settings: DriverSettings) {
  const common = { connectTimeout: settings.connectTimeoutMs, reconnectStrategy: settings.reconnectStrategy };
  // Two literal shapes, because the driver types TLS and plain TCP options apart.
  return tls ? { ...common, tls: true as const } : { ...common, tls: false as const };
}

/**
 * Lets any number of calls wait for a driver client to become ready. They
 * share one 'ready' listener, since an outage under load would otherwise pile
 * up a listener per waiting call.
 */
class Readiness {
  private next: Promise<void> | undefined;

  constructor(private readonly client: EventEmitter & { isReady: boolean }) {}

  /** Resolves once the client is ready, or rejects when `signal` aborts first. */
  wait(signal: AbortSignal): Promise<void> {
    if (this.client.isReady) return Promise.resolve();
    this.next ??= new Promise<void>((resolve) =>
      this.client.once('ready', () => {
        this.next = undefined;
        resolve();
      }),
    );
    return untilAborted(this.next, signal);
  }
}

/** Settles like `promise`, or rejects when `signal` aborts first. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * RESP3 with the driver's client-side cache (tracking), or plain RESP2 when the
 * cache is off. The driver clears the cache itself when a connection errors or closes.
 */
function trackingOptions(settings: DriverSettings) {
  return settings.cachedKeys > 0
    ? ({ RESP: 3, clientSideCache: { maxEntries: settings.cachedKeys, evictPolicy: 'LRU' } } as const)
    : ({ RESP: 2 } as const);
}

function createStandaloneClient(target: Extract<RedisTarget, { kind: 'standalone' }>, settings: DriverSettings) {
  const base = nodeOptions(target, settings);
  return createClient({
    ...base,
    ...trackingOptions(settings),
    socket: { ...base.socket, host: target.node.host, port: target.node.port },
    database: target.database,
    commandOptions: { timeout: settings.commandTimeoutMs },
    scripts: SCRIPTS,
  });
}

type StandaloneClient = ReturnType<typeof createStandaloneClient>;

/**
 * One connection for commands and, created on the first subscribe, a second
 * one for pub/sub (a subscribed connection can send nothing else). The driver
 * reconnects both by itself and re-subscribes after a reconnect.
 */
class StandaloneBackend implements Backend {
  private readonly client: StandaloneClient;
  private readonly clientReady: Readiness;
  private readonly usable: Connected;
  private subscriber: { client: StandaloneClient; ready: Readiness } | undefined;
  private started = false;
  /** Settles when the first connection attempt does (connected or given up). */
  private connecting: Promise<void> | undefined;

  constructor(
    target: Extract<RedisTarget, { kind: 'standalone' }>,
    private readonly settings: DriverSettings,
  ) {
    const client = createStandaloneClient(target, settings);
    client.on('error', settings.reportError);
    this.client = client;
    this.clientReady = new Readiness(client);
    this.usable = {
      commands: client,
      deleteKeys: (keys) => client.del(keys),
      publish: async (channel, message) => {
        await client.publish(channel, message);
      },
      ping: async () => {
        await client.ping();
      },
      dataNodes: async () => [(args) => client.sendCommand(args)],
    };
  }

  async connected(signal: AbortSignal): Promise<Connected> {
    if (!this.started) {
      this.started = true;
      // With a retrying strategy connect() settles only once connected or
      // closed; readiness is awaited below, per call and bounded.
      this.connecting = this.client.connect().then(
        () => undefined,
        () => undefined,
      );
    }
    await this.clientReady.wait(signal);
    return this.usable;
  }

  dropCachedValues(): void {
    this.client.clientSideCache?.clear();
  }

  forgetCachedValue(key: string): void {
    this.client.clientSideCache?.invalidate(key);
  }

  async subscribe(channel: string, listener: Listener, signal: AbortSignal): Promise<void> {
    await this.connected(signal);
    if (!this.subscriber) {
      // No cache on the subscriber: it only receives messages.
      const client = this.client.duplicate({ clientSideCache: undefined });
      client.on('error', this.settings.reportError);
      client.connect().catch(() => undefined);
      this.subscriber = { client, ready: new Readiness(client) };
    }
    await this.subscriber.ready.wait(signal);
    await this.subscriber.client.subscribe(channel, listener);
  }

  async unsubscribe(channel: string, listener: Listener): Promise<void> {
    await this.subscriber?.client.unsubscribe(channel, listener);
  }

  async close(): Promise<void> {
    // destroy() rather than close(): shutdown must not wait on a Redis that is away.
    if (this.started) {
      destroyQuietly(this.client);
      // A connection still being made when the store closes would otherwise open afterwards and keep the process alive.
      void this.connecting?.then(() => destroyQuietly(this.client));
    }
    this.subscriber?.client.destroy();
  }
}

/** A Sentinel or Cluster driver once connected, with what differs between the two. */
interface Opened extends Connected {
  dropCachedValues(): void;
  forgetCachedValue(key: string): void;
  subscribe(channel: string, listener: Listener): Promise<void>;
  unsubscribe(channel: string, listener: Listener): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Sentinel and Cluster drivers discover the topology when they connect, and
 * their connect() gives up (rejects) when no seed answers. Then the driver is
 * discarded and a fresh one is tried on a later call, no sooner than the
 * backoff allows, so an outage does not turn every request into a
 * connection attempt. Once connected, the driver handles failovers,
 * reconnects and re-subscriptions itself.
 */
class ReconnectingBackend implements Backend {
  private opened: Opened | undefined;
  private opening: Promise<Opened> | undefined;
  private failures = 0;
  private retryAt = 0;
  private lastError: unknown;
  private readonly closing = new AbortController();

  constructor(
    private readonly open: (cancelled: AbortSignal) => Promise<Opened>,
    private readonly settings: DriverSettings,
  ) {}

  async subscribe(channel: string, listener: Listener, signal: AbortSignal): Promise<void> {
    await (await this.connected(signal)).subscribe(channel, listener);
  }

  dropCachedValues(): void {
    this.opened?.dropCachedValues();
  }

  forgetCachedValue(key: string): void {
    this.opened?.forgetCachedValue(key);
  }

  async unsubscribe(channel: string, listener: Listener): Promise<void> {
    await this.opened?.unsubscribe(channel, listener);
  }

  async close(): Promise<void> {
    // Aborting stops a connection attempt still in progress (a Sentinel one
    // can keep retrying for many seconds); a finished one is torn down here.
    this.closing.abort();
    const opened = this.opened;
    this.opened = undefined;
    await opened?.destroy();
  }

  connected(signal: AbortSignal): Promise<Opened> {
    if (this.opened) return Promise.resolve(this.opened);
    if (!this.opening) {
      if (Date.now() < this.retryAt) {
        return Promise.reject(new Error('Redis was unreachable moments ago; waiting before the next attempt', { cause: this.lastError }));
      }
      this.opening = this.open(this.closing.signal).then(
        async (opened) => {
          this.opening = undefined;
          this.failures = 0;
          if (this.closing.signal.aborted) {
            await opened.destroy().catch(() => undefined);
            throw new Error('RedisStore is closed');
          }
          this.opened = opened;
          return opened;
        },
        (error: unknown) => {
          this.opening = undefined;
          this.lastError = error;
          this.retryAt = Date.now() + this.settings.reconnectStrategy(this.failures++);
          this.settings.reportError(error);
          throw error;
        },
      );
      this.opening.catch(() => undefined);
    }
    return untilAborted(this.opening, signal);
  }
}

/** Awaits `connecting`, calling `destroy` if `cancelled` aborts first (the store was closed meanwhile). */
async function whileNotCancelled(connecting: Promise<unknown>, cancelled: AbortSignal, destroy: () => Promise<void>): Promise<void> {
  const onCancel = () => void destroy().catch(() => undefined);
  if (cancelled.aborted) onCancel();
  cancelled.addEventListener('abort', onCancel, { once: true });
  try {
    await connecting;
  } finally {
    cancelled.removeEventListener('abort', onCancel);
  }
}

/** Tearing down twice (on cancel, then on the failure it causes) must not throw. */
function destroyQuietly(driver: { destroy(): unknown }): void {
  try {
    driver.destroy();
  } catch {
    // Already destroyed.
  }
}

function toNodes(addresses: RedisNodeAddress[]) {
  return addresses.map(({ host, port }) => ({ host, port }));
}

async function openSentinel(
  target: Extract<RedisTarget, { kind: 'sentinel' }>,
  settings: DriverSettings,
  cancelled: AbortSignal,
): Promise<Opened> {
  const sentinel = createSentinel({
    name: target.masterName,
    sentinelRootNodes: toNodes(target.sentinels),
    nodeClientOptions: nodeOptions(target, settings),
    ...trackingOptions(settings),
    sentinelClientOptions: { socket: socketOptions(target.tls, settings) },
    commandOptions: { timeout: settings.commandTimeoutMs },
    scripts: SCRIPTS,
  });
  sentinel.on('error', settings.reportError).on('client-error', settings.reportError);
  // On failure connect() tears the driver down itself, so nothing is left running.
  await whileNotCancelled(sentinel.connect(), cancelled, () => sentinel.destroy());
  return {
    commands: sentinel,
    deleteKeys: (keys) => sentinel.del(keys),
    publish: async (channel, message) => {
      await sentinel.publish(channel, message);
    },
    ping: async () => {
      await sentinel.ping();
    },
    // Not read-only, so the driver sends it to the master.
    dataNodes: async () => [(args) => sentinel.sendCommand(false, args)],
    subscribe: async (channel, listener) => {
      await sentinel.subscribe(channel, listener);
    },
    unsubscribe: async (channel, listener) => {
      await sentinel.unsubscribe(channel, listener);
    },
    dropCachedValues: () => sentinel.clientSideCache?.clear(),
    forgetCachedValue: (key) => sentinel.clientSideCache?.invalidate(key),
    destroy: () => sentinel.destroy(),
  };
}

async function openCluster(
  target: Extract<RedisTarget, { kind: 'cluster' }>,
  settings: DriverSettings,
  cancelled: AbortSignal,
): Promise<Opened> {
  const cluster = createCluster({
    rootNodes: toNodes(target.seeds).map((node) => ({ socket: node })),
    defaults: nodeOptions(target, settings),
    ...trackingOptions(settings),
    commandOptions: { timeout: settings.commandTimeoutMs },
    scripts: SCRIPTS,
  });
  cluster.on('error', settings.reportError).on('node-error', settings.reportError);
  try {
    await whileNotCancelled(cluster.connect(), cancelled, async () => destroyQuietly(cluster));
  } catch (error) {
    // A failed discovery can leave node connections retrying; drop them all.
    destroyQuietly(cluster);
    throw error;
  }
  return {
    commands: cluster,
    // One DEL per key: Redis refuses a DEL whose keys span hash slots
    // (CROSSSLOT), and this does not depend on the driver splitting it.
    deleteKeys: async (keys) => {
      const counts = await Promise.all(keys.map((key) => cluster.del(key)));
      return counts.reduce((sum, count) => sum + count, 0);
    },
    // From the node owning the channel's hash slot, not a random one, so that
    // messages on one channel leave from one node and arrive in order.
    publish: async (channel, message) => {
      const node = await cluster.getNodeClientForKey(channel);
      await node.withCommandOptions({ timeout: settings.commandTimeoutMs }).publish(channel, message);
    },
    // Every master, since each owns a share of the keys.
    ping: async () => {
      await Promise.all(cluster.masters.map(async (master) => (await cluster.nodeClient(master)).ping()));
    },
    dataNodes: async () =>
      Promise.all(
        cluster.masters.map(async (master) => {
          const node = await cluster.nodeClient(master);
          return (args: string[]) => node.withCommandOptions({ timeout: settings.commandTimeoutMs }).sendCommand(args);
        }),
      ),
    subscribe: async (channel, listener) => {
      await cluster.subscribe(channel, listener);
    },
    unsubscribe: async (channel, listener) => {
      await cluster.unsubscribe(channel, listener);
    },
    dropCachedValues: () => cluster.clientSideCache?.clear(),
    forgetCachedValue: (key) => cluster.clientSideCache?.invalidate(key),
    destroy: async () => destroyQuietly(cluster),
  };
}
