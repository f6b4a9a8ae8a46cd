/**
 * Redis implementation of the store port (node-redis). Store URLs:
 *
 *   redis://[[user]:password@]host[:port][/db]         standalone (port 6379, db 0 by default)
 *   rediss://[[user]:password@]host[:port][/db]        standalone over TLS
 *   redis+sentinel://[[user]:password@]host[:port][,host[:port]…]/master-name
 *       Sentinel: the hosts are sentinels (port 26379 by default) and the path
 *       names the monitored master. The credentials are for the Redis nodes;
 *       the sentinels themselves are reached without a password.
 *   redis+cluster://[[user]:password@]host[:port][,host[:port]…]
 *       Cluster: the hosts are seed nodes (port 6379 by default); the rest of
 *       the topology is discovered from them.
 *   rediss+sentinel://…, rediss+cluster://…           the same over TLS
 *
 * User name and password are percent-encoded. Every key and channel is
 * prefixed with `cw:` so the service can share a Redis with other users.
 * Needs Redis 6.2 or later (GETEX, GETDEL).
 *
 * Connection: lazy. Constructing a RedisStore does no I/O; the first call
 * connects, and the driver reconnects by itself after any outage, with capped
 * exponential backoff. Call `ping()` at boot to connect early and find out
 * whether Redis is there.
 *
 * Reads served locally, kept exact by Redis: the connection speaks RESP3 with
 * client tracking (the driver's client-side cache), so a GET of a key this
 * instance has read before is answered from memory until any client changes,
 * deletes or expires the key, when Redis pushes an invalidation. The driver
 * drops every copy when a connection errors or closes; a heartbeat (PING
 * every `heartbeatMs`) drops them too when Redis stops answering without the
 * socket noticing, and a GET made while the heartbeat is overdue goes to
 * Redis. So a cached answer never outlives a reachable Redis by more than
 * about two heartbeats, and an unreachable one fails the GET like any call.
 *
 * Failing closed, fast: every call settles within `timeoutMs` (1 s by
 * default). Commands are never queued while the connection is down, each
 * command carries a driver-side timeout as well, and the whole call (waiting
 * for a connection included) races a deadline. Any failure, including a reply
 * error such as WRONGTYPE, rejects with StoreUnavailableError carrying the
 * driver error as `cause`, so callers answer 503 instead of guessing.
 */
import { EventEmitter } from 'node:events';
import {
  createClient,
  createCluster,
  createSentinel,
  defineScript,
  type CommandParser,
  type RedisClientOptions,
} from 'redis';
import { Store, StoreUnavailableError } from './store.js';
import { parseRedisUrl, type RedisNodeAddress, type RedisTarget } from './store-url.js';
import { assertTtlSeconds } from './ttl-seconds.js';

export interface RedisStoreOptions {
  /** Longest any call may take, connecting included, before it rejects with StoreUnavailableError (ms). Default 1000. */
  timeoutMs?: number;
  /** Longest a single connection attempt may take (ms). Default: `timeoutMs`. */
  connectTimeoutMs?: number;
  /** Cap on the delay between reconnection attempts (ms); bounds how long service takes to resume. Default 2000. */
  maxReconnectDelayMs?: number;
  /** Prepended to every key and channel. Default `cw:`. */
  keyPrefix?: string;
  /**
   * Told about connection errors and exceptions thrown by subscription
   * listeners. Driver errors carry no credentials, but they do repeat while
   * Redis is down, so log them at a modest level or rate-limit them.
   */
  onError?: (error: Error) => void;
  /** Keys whose values GET may answer locally (client-side cache), least recently used dropped first; 0 turns the cache off. Default 100000. */
  cachedKeys?: number;
  /** Interval of the heartbeat that keeps local copies honest (ms). Default 1000. */
  heartbeatMs?: number;
}

const DEFAULTS = { timeoutMs: 1000, maxReconnectDelayMs: 2000, keyPrefix: 'cw:', cachedKeys: 100_000, heartbeatMs: 1000 };

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
};

/** The commands this store sends. Standalone, Sentinel and Cluster drivers all provide them. */
interface Commands {
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
}

/** The driver hands over strings unless asked for buffers, but types the message as either. */
type Listener = (message: string | Buffer) => void;

/** A usable connection to the data, whatever the topology. */
interface Connected {
  /** Single-key commands, which every driver routes by itself. */
  commands: Commands;
  deleteKeys(keys: string[]): Promise<number>;
  publish(channel: string, message: string): Promise<void>;
  ping(): Promise<void>;
}

/** What differs between standalone, Sentinel and Cluster. */
interface Backend {
  /** Drops every locally cached value (they are re-read from Redis on the next GET). */
  dropCachedValues(): void;
  /** A usable connection; waits for one no longer than `signal` allows. */
  connected(signal: AbortSignal): Promise<Connected>;
  subscribe(channel: string, listener: Listener, signal: AbortSignal): Promise<void>;
  /** Best effort, used to undo a subscription whose call already timed out. */
  unsubscribe(channel: string, listener: Listener): Promise<void>;
  close(): Promise<void>;
}

interface DriverSettings {
  reconnectStrategy: (retries: number) => number;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  reportError: (error: unknown) => void;
  /** 0: no client-side cache (plain RESP2 connections). */
  cachedKeys: number;
}

export class RedisStore extends Store {
  private readonly backend: Backend;
  private readonly timeoutMs: number;
  private readonly keyPrefix: string;
  private readonly onError: (error: Error) => void;
  private readonly heartbeatMs: number;
  private heartbeat: NodeJS.Timeout | undefined;
  /** When Redis last answered the heartbeat (epoch ms); local copies are trusted only while this is recent. */
  private answeredAt = 0;
  private closed = false;

  /** Parses `url` (throws an Error on a form it does not accept) but does not connect. */
  constructor(url: string, options: RedisStoreOptions = {}) {
    super();
    const target = parseRedisUrl(url);
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
    this.keyPrefix = options.keyPrefix ?? DEFAULTS.keyPrefix;
    this.onError = options.onError ?? (() => undefined);
    const maxDelay = options.maxReconnectDelayMs ?? DEFAULTS.maxReconnectDelayMs;
    const settings: DriverSettings = {
      // Exponential from 100 ms up to the cap, with jitter so a fleet of
      // instances does not reconnect in lockstep after an outage.
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, maxDelay) + Math.floor(Math.random() * 100),
      connectTimeoutMs: options.connectTimeoutMs ?? this.timeoutMs,
      commandTimeoutMs: this.timeoutMs,
      reportError: (error) => this.report(error),
      cachedKeys: options.cachedKeys ?? DEFAULTS.cachedKeys,
    };
    this.heartbeatMs = options.heartbeatMs ?? DEFAULTS.heartbeatMs;
    this.backend = createBackend(target, settings);
  }

  async get(key: string): Promise<string | null> {
    // An overdue heartbeat means Redis may be gone without the socket knowing:
    // forget the copies so this GET asks Redis (and fails closed if it can't).
    if (Date.now() - this.answeredAt > 2 * this.heartbeatMs) this.backend.dropCachedValues();
    return this.run((redis) => redis.commands.get(this.key(key)));
  }

  async getAndTouch(key: string, ttlSeconds: number): Promise<string | null> {
    assertTtlSeconds(ttlSeconds);
    return this.run((redis) => redis.commands.getEx(this.key(key), { type: 'EX', value: ttlSeconds }));
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    assertTtlSeconds(ttlSeconds);
    await this.run((redis) => redis.commands.set(this.key(key), value, { expiration: { type: 'EX', value: ttlSeconds } }));
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    assertTtlSeconds(ttlSeconds);
    const reply = await this.run((redis) =>
      redis.commands.set(this.key(key), value, { expiration: { type: 'EX', value: ttlSeconds }, condition: 'NX' }),
    );
    return reply !== null;
  }

  async take(key: string): Promise<string | null> {
    return this.run((redis) => redis.commands.getDel(this.key(key)));
  }

  async delete(...keys: string[]): Promise<number> {
    if (keys.length === 0) {
      // DEL needs at least one key. Nothing to ask Redis, but a closed
      // store still reports itself unavailable, like every other call.
      return this.within(async () => 0);
    }
    return this.run((redis) => redis.deleteKeys(keys.map((key) => this.key(key))));
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    assertTtlSeconds(ttlSeconds);
    return this.run((redis) => redis.commands.cwIncrement(this.key(key), ttlSeconds));
  }

  async addToSet(key: string, member: string, ttlSeconds: number): Promise<void> {
    assertTtlSeconds(ttlSeconds);
    await this.run((redis) => redis.commands.cwAddToSet(this.key(key), member, ttlSeconds));
  }

  async setMembers(key: string): Promise<string[]> {
    return this.run((redis) => redis.commands.sMembers(this.key(key)));
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    await this.run((redis) => redis.commands.sRem(this.key(key), member));
  }

  async ttl(key: string): Promise<number | null> {
    const seconds = await this.run((redis) => redis.commands.ttl(this.key(key)));
    if (seconds === -2) return null;
    // -1: a key without expiry, which only something other than this store can write.
    return seconds === -1 ? Number.POSITIVE_INFINITY : seconds;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.run((redis) => redis.publish(this.key(channel), message));
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    const name = this.key(channel);
    // A throwing listener would otherwise surface inside the driver's reply
    // parser and corrupt the connection's protocol state.
    const guarded: Listener = (message) => {
      try {
        listener(message.toString());
      } catch (error) {
        this.report(error);
      }
    };
    try {
      await this.within((signal) => this.backend.subscribe(name, guarded, signal));
    } catch (error) {
      // The driver may still complete the SUBSCRIBE later; a caller told
      // "not subscribed" must not start receiving messages anyway.
      void this.backend.unsubscribe(name, guarded).catch(() => undefined);
      throw error;
    }
  }

  async ping(): Promise<void> {
    await this.run((redis) => redis.ping());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.backend.dropCachedValues();
    await this.backend.close();
  }

  private key(key: string): string {
    return this.keyPrefix + key;
  }

  private run<T>(command: (redis: Connected) => Promise<T>): Promise<T> {
    if (this.heartbeat === undefined && !this.closed) this.startHeartbeat();
    return this.within(async (signal) => command(await this.backend.connected(signal)));
  }

  /** Started by the first call, so that constructing a store stays free of I/O and timers. */
  private startHeartbeat(): void {
    const beat = () => {
      this.within(async (signal) => (await this.backend.connected(signal)).ping()).then(
        () => {
          this.answeredAt = Date.now();
        },
        () => {
          this.answeredAt = 0;
          this.backend.dropCachedValues();
        },
      );
    };
    this.heartbeat = setInterval(beat, this.heartbeatMs);
    this.heartbeat.unref();
    beat();
  }

  /**
   * Runs `work` against a deadline of `timeoutMs`, mapping every failure to
   * StoreUnavailableError. The driver's own timeouts should fire first; the
   * deadline is the guarantee that nothing (a connection attempt, a Sentinel
   * failover, a Cluster rediscovery) can make a caller wait longer.
   */
  private async within<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError(new Error('RedisStore is closed'));
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`Redis did not answer within ${this.timeoutMs} ms`);
        controller.abort(error);
        reject(error);
      }, this.timeoutMs);
    });
    const running = work(controller.signal);
    // Whichever loses the race below must not become an unhandled rejection.
    running.catch(() => undefined);
    try {
      return await Promise.race([running, deadline]);
    } catch (error) {
      throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  private report(error: unknown): void {
    try {
      this.onError(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // A failing error reporter must not take the connection down with it.
    }
  }
}

function createBackend(target: RedisTarget, settings: DriverSettings): Backend {
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
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
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
    };
  }

  async connected(signal: AbortSignal): Promise<Connected> {
    if (!this.started) {
      this.started = true;
      // With a retrying strategy connect() settles only once connected or
      // closed; readiness is awaited below, per call and bounded.
      this.client.connect().catch(() => undefined);
    }
    await this.clientReady.wait(signal);
    return this.usable;
  }

  dropCachedValues(): void {
    this.client.clientSideCache?.clear();
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
    if (this.started) this.client.destroy();
    this.subscriber?.client.destroy();
  }
}

/** A Sentinel or Cluster driver once connected, with what differs between the two. */
interface Opened extends Connected {
  dropCachedValues(): void;
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
    subscribe: async (channel, listener) => {
      await sentinel.subscribe(channel, listener);
    },
    unsubscribe: async (channel, listener) => {
      await sentinel.unsubscribe(channel, listener);
    },
    dropCachedValues: () => sentinel.clientSideCache?.clear(),
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
    subscribe: async (channel, listener) => {
      await cluster.subscribe(channel, listener);
    },
    unsubscribe: async (channel, listener) => {
      await cluster.unsubscribe(channel, listener);
    },
    dropCachedValues: () => cluster.clientSideCache?.clear(),
    destroy: async () => destroyQuietly(cluster),
  };
}
