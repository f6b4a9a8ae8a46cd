/**
 * Every write to the store carries a TTL so that nothing lives forever. Redis
 * refuses `EX 0`, negative and fractional seconds, and the memory store must
 * refuse exactly the same inputs, so both call this before touching anything.
 * A bad TTL is a caller bug, not an outage: it is a RangeError, never
 * StoreUnavailableError.
 */
export function assertTtlSeconds(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive whole number of seconds, got ${ttlSeconds}`);
  }
}
