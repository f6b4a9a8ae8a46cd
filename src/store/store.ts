/**
 * The store port: every piece of shared, expiring state (sessions, lockout
 * counters, replay ids, single-use form tokens, OIDC flow state) goes through
 * this interface, so one instance can use memory and several can share Redis.
 * Implementations: MemoryStore (memory.store.ts) and RedisStore
 * (redis.store.ts), chosen by URL in store.factory.ts.
 *
 * Contract (checked by store.contract.ts against every implementation):
 * - keys are plain strings chosen by callers; implementations may prefix them;
 * - every write takes a TTL in whole seconds (> 0); nothing lives forever.
 *   Any other TTL is a caller bug and rejects with a RangeError before the
 *   backing store is touched;
 * - an operation that cannot reach the backing store rejects with
 *   StoreUnavailableError, never resolves with a guess (callers fail closed).
 *   So does any other failure of the store, including misuse it refuses
 *   (incrementing a non-number, reading a set as a string); `cause` tells which;
 * - a key holds either a string (get/set/increment…) or a set (addToSet…);
 * - after close(), every call rejects with StoreUnavailableError.
 */
import { AppError } from '../common/app-error.js';
import { ERROR_CATALOG } from '../common/error-catalog.js';

export abstract class Store {
  /** Value of `key`, or null when absent or expired. */
  abstract get(key: string): Promise<string | null>;

  /**
   * Value of `key` like get(), possibly answered from a local copy that the
   * backing store keeps exact: a change or deletion of the key by any client
   * drops the copy as soon as the store reports it (Redis: server-assisted
   * client-side caching, RESP3 tracking), a write through this store drops it
   * at once, and every copy is dropped when the connection carrying the
   * reports is interrupted or stops answering. A store that cannot be reached
   * never answers from a copy. Expiry may reach a copy late (Redis reports an
   * expired key when it removes it): callers that rely on a TTL bound their
   * reads by other means (SessionService re-reads with getAndTouch).
   * For hot reads of rarely changing keys: sessions being verified.
   */
  abstract getCached(key: string): Promise<string | null>;

  /** Value of `key`, and its TTL reset to `ttlSeconds` (Redis GETEX): one round trip for "read and keep alive". */
  abstract getAndTouch(key: string, ttlSeconds: number): Promise<string | null>;

  /** Sets `key` unconditionally, replacing any value (a set included) and its TTL. */
  abstract set(key: string, value: string, ttlSeconds: number): Promise<void>;

  /** Sets `key` only if it is absent (Redis SET NX); true when this call created it. Exactly one concurrent caller wins. */
  abstract setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;

  /** Reads and deletes `key` atomically (Redis GETDEL): single-use values. Of concurrent callers, only one gets the value. */
  abstract take(key: string): Promise<string | null>;

  /** Deletes keys; resolves with how many existed. */
  abstract delete(...keys: string[]): Promise<number>;

  /**
   * Deletes `key` only while it holds exactly `value` (atomically: compare and
   * delete in one step); true when this call deleted it. Releases a claim made
   * with setIfAbsent without touching a newer claim of the same key. A set at
   * `key` never equals a value, so it is left alone.
   */
  abstract deleteIfEquals(key: string, value: string): Promise<boolean>;

  /**
   * Adds 1 to the counter at `key` and returns the new value. The TTL is set
   * when the counter is created and left alone afterwards (a fixed window).
   */
  abstract increment(key: string, ttlSeconds: number): Promise<number>;

  /** Adds `member` to the set at `key`, raising the set's TTL to `ttlSeconds` unless it is already longer. */
  abstract addToSet(key: string, member: string, ttlSeconds: number): Promise<void>;

  /** Members of the set at `key` (empty when absent). */
  abstract setMembers(key: string): Promise<string[]>;

  /** Removes `member` from the set at `key`; removing the last member deletes the set. */
  abstract removeFromSet(key: string, member: string): Promise<void>;

  /**
   * Remaining TTL of `key` in seconds (rounded, as Redis does), or null when
   * absent. Infinity for a key without expiry, which only a writer other than
   * this store can create.
   */
  abstract ttl(key: string): Promise<number | null>;

  /**
   * Publishes `message` to every subscriber of `channel` on every instance.
   * Fire and forget: messages from one publisher on one channel arrive in
   * order, but a subscriber that is disconnected at the time misses them.
   */
  abstract publish(channel: string, message: string): Promise<void>;

  /**
   * Calls `listener` for each message on `channel`; resolves once subscribed.
   * An exception thrown by `listener` is reported, not propagated. When this
   * rejects, the listener is not subscribed.
   */
  abstract subscribe(channel: string, listener: (message: string) => void): Promise<void>;

  /** Resolves when the backing store answers; rejects with StoreUnavailableError otherwise. */
  abstract ping(): Promise<void>;

  /** Releases connections and timers; safe to call twice. */
  abstract close(): Promise<void>;
}

/**
 * The backing store could not be reached: an AppError like every other
 * refusal (503 `store_unavailable`, the catalog's message), so callers fail
 * closed without knowing about the store. `cause` keeps the driver's error
 * for the log; it never reaches a body (it may name the store's address).
 */
export class StoreUnavailableError extends AppError {
  constructor(cause?: unknown) {
    const [status, message] = ERROR_CATALOG.store_unavailable;
    super('store_unavailable', message, status, { detail: 'the session store did not answer' });
    this.name = 'StoreUnavailableError';
    if (cause !== undefined) Object.defineProperty(this, 'cause', { value: cause, enumerable: false, writable: true, configurable: true });
  }
}
