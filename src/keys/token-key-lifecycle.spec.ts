import { keyStatuses, prunableKids, revokeKey, type TokenKeyRecord } from './token-key-lifecycle.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();
const key = (kid: string, activatesAt: number, retiredAt?: number): TokenKeyRecord => ({
  kid,
  secret: 'x',
  createdAt: at(activatesAt - 60),
  activatesAt: at(activatesAt),
  ...(retiredAt !== undefined && { retiredAt: at(retiredAt) }),
});
const states = (records: TokenKeyRecord[], now: number) =>
  Object.fromEntries(keyStatuses(records, t0 + now * 1000).map((s) => [s.kid, s.state]));

describe('token key lifecycle', () => {
  const a = key('a', 0);
  const b = key('b', 100);

  it('a rotated key is pending until its activation time, then active; the old key retires at that moment', () => {
    expect(states([a, b], 50)).toEqual({ a: 'active', b: 'pending' });
    expect(states([a, b], 100)).toEqual({ a: 'retiring', b: 'active' });
    expect(keyStatuses([a, b], t0 + 200_000).find((s) => s.kid === 'a')?.retiringSince).toBe(at(100));
  });

  it('exactly one key is active at any time', () => {
    const c = key('c', 200);
    for (const now of [0, 99, 100, 150, 200, 10_000]) {
      expect(Object.values(states([a, b, c], now)).filter((s) => s === 'active')).toHaveLength(1);
    }
  });

  it('an explicitly retired key never becomes active again', () => {
    const retiredPending = key('b', 100, 50);
    expect(states([a, retiredPending], 150)).toEqual({ a: 'active', b: 'retiring' });
  });

  it('prunes a retiring key only after every token it made has expired', () => {
    const ttl = 900;
    expect(prunableKids([a, b], t0 + (100 + ttl) * 1000, ttl)).toEqual([]);
    expect(prunableKids([a, b], t0 + (100 + ttl + 60) * 1000, ttl)).toEqual(['a']);
    expect(prunableKids([a], t0 + 1e9, ttl)).toEqual([]);
  });
});

describe('revokeKey', () => {
  const a = key('a', 0);
  const b = key('b', 100);
  const now = t0 + 50_000;

  it('removes a pending or retiring key and leaves a tombstone without material', () => {
    const result = revokeKey([a, b], 'b', now);
    expect(result).toMatchObject({ outcome: 'revoked', wasActive: false, tombstone: { kid: 'b', revokedAt: new Date(now).toISOString() } });
    if (result.outcome !== 'revoked') throw new Error('unreachable');
    expect(result.records.map((r) => r.kid)).toEqual(['a']);
    expect(result.tombstone).not.toHaveProperty('secret');
    expect(result.promoted).toBeUndefined();
  });

  it('revoking the active key activates the pending key due first, at once', () => {
    const c = key('c', 200);
    const result = revokeKey([a, c, b], 'a', now);
    if (result.outcome !== 'revoked') throw new Error(`expected revoked, got ${result.outcome}`);
    expect(result.promoted).toBe('b');
    expect(states(result.records, 50)).toEqual({ b: 'active', c: 'pending' });
  });

  it('refuses to revoke the active key when no pending key can take over (no silent fallback to an older key)', () => {
    const older = key('old', -1000);
    expect(revokeKey([older, a], 'a', now)).toEqual({ outcome: 'no_successor' });
    expect(revokeKey([a], 'a', now)).toEqual({ outcome: 'no_successor' });
  });

  it('an unknown kid is not_found', () => {
    expect(revokeKey([a], 'zz', now)).toEqual({ outcome: 'not_found' });
  });
});
