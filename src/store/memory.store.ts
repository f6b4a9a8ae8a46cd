/**
 * In-process implementation of the store port, for a single instance (dev
 * mode, tests, small installs). It mirrors Redis semantics closely enough
 * that one contract suite (store.contract.ts) passes against both.
 *
 * Restarting the process loses everything, which is safe by design: tokens are
 * bound to sessions held here, so they stop verifying instead of outliving a
 * revocation that was forgotten.
 */
import { EventEmitter } from 'node:events';
import { Store, StoreUnavailableError } from './store.js';
import { assertTtlSeconds } from './ttl-seconds.js';

export interface MemoryStoreOptions {
  /** How often expired keys are purged in the background (ms). Reads never return expired keys regardless. */
  sweepIntervalMs?: number;
  /**
   * Most keys held at once. A flood of distinct keys (say, lockout counters
   * for spoofed client addresses) must not exhaust the process; once full and
   * after purging expired keys, writes that would create a key reject with
   * StoreUnavailableError, so callers fail closed rather than forget state.
   */
  maxKeys?: number;
  /** Most `subscribe` listeners at once; more is a leak in the caller, so `subscribe` rejects. */
  maxSubscriptions?: number;
  /** Clock in ms since the epoch; tests inject one to move time without waiting. */
  now?: () => number;
  /** Receives errors thrown by subscription listeners, which must not break delivery to the others. */
  onError?: (error: Error) => void;
}

type Entry =
  | { kind: 'string'; value: string; expiresAt: number }
  | { kind: 'set'; members: Set<string>; expiresAt: number };

const DEFAULTS = {
  sweepIntervalMs: 30_000,
  maxKeys: 1_000_000,
  maxSubscriptions: 1_000,
};

/** Same wording as Redis, so a cause reads alike whichever store produced it. */
function wrongType(): StoreUnavailableError {
  return new StoreUnavailableError(
    new TypeError('WRONGTYPE Operation against a key holding the wrong kind of value'),
  );
}

export class MemoryStore extends Store {
  private readonly entries = new Map<string, Entry>();
  private readonly channels = new EventEmitter();
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly maxKeys: number;
  private readonly maxSubscriptions: number;
  private readonly now: () => number;
  private readonly onError: (error: Error) => void;
  private subscriptions = 0;
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    super();
    this.maxKeys = options.maxKeys ?? DEFAULTS.maxKeys;
    this.maxSubscriptions = options.maxSubscriptions ?? DEFAULTS.maxSubscriptions;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
    // The subscription count is enforced by hand (across all channels), so
    // Node's per-event leak warning would only be noise.
    this.channels.setMaxListeners(0);
    this.sweepTimer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? DEFAULTS.sweepIntervalMs);
    // A store must never keep the process alive on its own.
    this.sweepTimer.unref();
  }

  /** Number of keys held, expired ones included until the next sweep or read. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every expired key now; the periodic sweep calls this. */
  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  async get(key: string): Promise<string | null> {
    return this.readString(key)?.value ?? null;
  }

  /** The memory is the only copy, so every read is exact. */
  async getCached(key: string): Promise<string | null> {
    return this.get(key);
  }

  async getAndTouch(key: string, ttlSeconds: number): Promise<string | null> {
    assertTtlSeconds(ttlSeconds);
    const entry = this.readString(key);
    if (!entry) return null;
    entry.expiresAt = this.expiry(ttlSeconds);
    return entry.value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    assertTtlSeconds(ttlSeconds);
    this.write(key, { kind: 'string', value, expiresAt: this.expiry(ttlSeconds) });
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    assertTtlSeconds(ttlSeconds);
    if (this.read(key)) return false;
    this.write(key, { kind: 'string', value, expiresAt: this.expiry(ttlSeconds) });
    return true;
  }

  async take(key: string): Promise<string | null> {
    const entry = this.readString(key);
    if (!entry) return null;
    this.entries.delete(key);
    return entry.value;
  }

  async delete(...keys: string[]): Promise<number> {
    this.assertOpen();
    let existed = 0;
    for (const key of new Set(keys)) {
      if (this.read(key)) {
        this.entries.delete(key);
        existed += 1;
      }
    }
    return existed;
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    this.assertOpen();
    const entry = this.read(key);
    if (entry?.kind !== 'string' || entry.value !== value) return false;
    this.entries.delete(key);
    return true;
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    assertTtlSeconds(ttlSeconds);
    const entry = this.readString(key);
    if (!entry) {
      this.write(key, { kind: 'string', value: '1', expiresAt: this.expiry(ttlSeconds) });
      return 1;
    }
    // Redis INCR accepts only a base-10 integer without padding or sign noise.
    if (!/^-?(0|[1-9]\d*)$/.test(entry.value) || !Number.isSafeInteger(Number(entry.value))) {
      throw new StoreUnavailableError(new TypeError('ERR value is not an integer or out of range'));
    }
    const next = Number(entry.value) + 1;
    entry.value = String(next);
    return next;
  }

  async addToSet(key: string, member: string, ttlSeconds: number): Promise<void> {
    assertTtlSeconds(ttlSeconds);
    const requested = this.expiry(ttlSeconds);
    const entry = this.readSet(key);
    if (!entry) {
      this.write(key, { kind: 'set', members: new Set([member]), expiresAt: requested });
      return;
    }
    entry.members.add(member);
    entry.expiresAt = Math.max(entry.expiresAt, requested);
  }

  async setMembers(key: string): Promise<string[]> {
    return [...(this.readSet(key)?.members ?? [])];
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    const entry = this.readSet(key);
    if (!entry) return;
    entry.members.delete(member);
    // Redis deletes a set when its last member goes; so must we, or ttl() would disagree.
    if (entry.members.size === 0) this.entries.delete(key);
  }

  async ttl(key: string): Promise<number | null> {
    const entry = this.read(key);
    if (!entry) return null;
    // Redis rounds the remaining time to the nearest second.
    return Math.round((entry.expiresAt - this.now()) / 1000);
  }

  async publish(channel: string, message: string): Promise<void> {
    this.assertOpen();
    // Delivered on a later turn, like a message arriving from Redis: a
    // listener never runs inside the publisher's call stack.
    setImmediate(() => {
      if (!this.closed) this.channels.emit(channel, message);
    });
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    this.assertOpen();
    if (this.subscriptions >= this.maxSubscriptions) {
      throw new Error(`MemoryStore allows at most ${this.maxSubscriptions} subscriptions`);
    }
    this.subscriptions += 1;
    this.channels.on(channel, (message: string) => {
      try {
        listener(message);
      } catch (error) {
        this.onError(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.channels.removeAllListeners();
    this.subscriptions = 0;
    this.entries.clear();
  }

  /** A closed store behaves like an unreachable Redis, so callers see one failure mode. */
  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError(new Error('MemoryStore is closed'));
  }

  private expiry(ttlSeconds: number): number {
    return this.now() + ttlSeconds * 1000;
  }

  /** The live entry at `key`; an expired one is removed on the way, as Redis does lazily. */
  private read(key: string): Entry | undefined {
    this.assertOpen();
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private readString(key: string): Extract<Entry, { kind: 'string' }> | undefined {
    const entry = this.read(key);
    if (entry && entry.kind !== 'string') throw wrongType();
    return entry;
  }

  private readSet(key: string): Extract<Entry, { kind: 'set' }> | undefined {
    const entry = this.read(key);
    if (entry && entry.kind !== 'set') throw wrongType();
    return entry;
  }

  private write(key: string, entry: Entry): void {
    this.assertOpen();
    if (!this.entries.has(key) && this.entries.size >= this.maxKeys) {
      this.sweep();
      if (this.entries.size >= this.maxKeys) {
        throw new StoreUnavailableError(new Error(`MemoryStore is full (${this.maxKeys} keys)`));
      }
    }
    this.entries.set(key, entry);
  }
}
