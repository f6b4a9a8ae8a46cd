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
 * getCached: reads served locally, kept exact by Redis. They go through a
 * connection of their own (made on first use) that speaks RESP3 with client
 * tracking (the driver's client-side cache): a key read before is answered
 * from memory until any client changes or deletes it, when Redis pushes an
 * invalidation; this store's own writes drop the local copy at once. The
 * driver drops every copy when the connection errors or closes; a heartbeat
 * (PING every `heartbeatMs` on that connection) drops them too when Redis
 * stops answering without the socket noticing, and a read made while the
 * heartbeat is overdue goes to Redis. So a copy never outlives a reachable
 * Redis by more than about two heartbeats, and an unreachable one fails the
 * read like any call. Every other call, `get` included, uses the plain
 * connection and caches nothing.
 *
 * Failing closed, fast: every call settles within `timeoutMs` (1 s by
 * default). Commands are never queued while the connection is down, each
 * command carries a driver-side timeout as well, and the whole call (waiting
 * for a connection included) races a deadline. Any failure, including a reply
 * error such as WRONGTYPE, rejects with StoreUnavailableError carrying the
 * driver error as `cause`, so callers answer 503 instead of guessing.
 */
import { Store, StoreUnavailableError } from './store.js';
import { parseRedisUrl } from './store-url.js';
import { assertTtlSeconds } from './ttl-seconds.js';
import { readPersistence, type RedisPersistence } from './redis-persistence.js';
import { createBackend, type Backend, type Connected, type DriverSettings, type Listener } from './redis-connections.js';

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
  /** Keys whose values getCached may answer locally (client-side cache), least recently used dropped first; 0 turns local copies off. Default 100000. */
  cachedKeys?: number;
  /** Interval of the heartbeat that keeps local copies honest (ms). Default 1000. */
  heartbeatMs?: number;
}

const DEFAULTS = { timeoutMs: 1000, maxReconnectDelayMs: 2000, keyPrefix: 'cw:', cachedKeys: 100_000, heartbeatMs: 1000 };

export class RedisStore extends Store {
  private readonly backend: Backend;
  private readonly timeoutMs: number;
  private readonly keyPrefix: string;
  private readonly onError: (error: Error) => void;
  private readonly heartbeatMs: number;
  private readonly settings: DriverSettings;
  private readonly target: ReturnType<typeof parseRedisUrl>;
  private readonly cachedKeys: number;
  /** The connection for getCached, made once the store's first call succeeded. */
  private tracked: Backend | undefined;
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
      cachedKeys: 0,
    };
    this.heartbeatMs = options.heartbeatMs ?? DEFAULTS.heartbeatMs;
    this.cachedKeys = options.cachedKeys ?? DEFAULTS.cachedKeys;
    this.settings = settings;
    this.target = target;
    this.backend = createBackend(target, settings);
  }

  async get(key: string): Promise<string | null> {
    return this.run((redis) => redis.commands.get(this.key(key)));
  }

  async getCached(key: string): Promise<string | null> {
    if (this.cachedKeys === 0 || this.closed) return this.get(key);
    if (this.tracked === undefined) this.startTracking();
    const tracked = this.tracked!;
    // An overdue heartbeat means Redis may be gone without the socket knowing:
    // forget the copies so this read asks Redis (and fails closed if it can't).
    if (Date.now() - this.answeredAt > 2 * this.heartbeatMs) tracked.dropCachedValues();
    return this.within(async (signal) => (await tracked.connected(signal)).commands.get(this.key(key)));
  }

  async getAndTouch(key: string, ttlSeconds: number): Promise<string | null> {
    assertTtlSeconds(ttlSeconds);
    this.forgetCached(key);
    return this.run((redis) => redis.commands.getEx(this.key(key), { type: 'EX', value: ttlSeconds }));
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    assertTtlSeconds(ttlSeconds);
    this.forgetCached(key);
    await this.run((redis) => redis.commands.set(this.key(key), value, { expiration: { type: 'EX', value: ttlSeconds } }));
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    assertTtlSeconds(ttlSeconds);
    this.forgetCached(key);
    const reply = await this.run((redis) =>
      redis.commands.set(this.key(key), value, { expiration: { type: 'EX', value: ttlSeconds }, condition: 'NX' }),
    );
    return reply !== null;
  }

  async take(key: string): Promise<string | null> {
    this.forgetCached(key);
    return this.run((redis) => redis.commands.getDel(this.key(key)));
  }

  async delete(...keys: string[]): Promise<number> {
    if (keys.length === 0) {
      // DEL needs at least one key. Nothing to ask Redis, but a closed
      // store still reports itself unavailable, like every other call.
      return this.within(async () => 0);
    }
    keys.forEach((key) => this.forgetCached(key));
    return this.run((redis) => redis.deleteKeys(keys.map((key) => this.key(key))));
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    this.forgetCached(key);
    return this.run((redis) => redis.commands.cwDeleteIfEquals(this.key(key), value));
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

  /**
   * Whether Redis keeps writes across a restart (append-only file), read at
   * start to warn when it does not: a restart from an older snapshot brings
   * revoked sessions back. See redis-persistence.ts.
   */
  async persistence(): Promise<RedisPersistence> {
    return this.run(async (redis) => readPersistence(await redis.dataNodes()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.tracked?.dropCachedValues();
    await Promise.all([this.backend.close(), this.tracked?.close()]);
  }

  private key(key: string): string {
    return this.keyPrefix + key;
  }

  private run<T>(command: (redis: Connected) => Promise<T>): Promise<T> {
    const running = this.within(async (signal) => command(await this.backend.connected(signal)));
    // The tracked connection starts once the store's first call succeeded (the boot ping), so it is
    // ready before the first verify without slowing that first call's own connection.
    if (this.tracked === undefined && this.cachedKeys > 0) {
      running.then(() => {
        if (this.tracked === undefined && !this.closed) this.startTracking();
      }, () => undefined);
    }
    return running;
  }

  /**
   * A write through this store drops the local copy before Redis's
   * invalidation could arrive, so this instance never reads back what it
   * just changed or deleted.
   */
  private forgetCached(key: string): void {
    this.tracked?.forgetCachedValue(this.key(key));
  }

  /** The tracked connection and its heartbeat, made after the first call (or by the first getCached) so that constructing a store stays free of I/O and timers. */
  private startTracking(): void {
    const tracked = createBackend(this.target, { ...this.settings, cachedKeys: this.cachedKeys });
    this.tracked = tracked;
    const beat = () => {
      this.within(async (signal) => (await tracked.connected(signal)).ping()).then(
        () => {
          this.answeredAt = Date.now();
        },
        () => {
          this.answeredAt = 0;
          tracked.dropCachedValues();
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
