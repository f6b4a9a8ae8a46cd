/**
 * Key lifecycle (SPEC.md "Tokens and keys", "Keys: compromise, signing keys,
 * JWKS"), derived from timestamps so every instance reaches the same answer
 * without coordination:
 *   pending  — activatesAt is in the future: loaded everywhere, not used yet;
 *   active   — the most recently activated key that is not retired: encrypts (signs);
 *   retiring — superseded or retired: decrypts (verifies) only, until its tokens expired;
 *   revoked  — compromised: removed from the key list at once; only a tombstone
 *              (kid and dates, never the key material) stays in the file's
 *              `revoked` list, so `keys list` can say so and the kid is never reused.
 * Token keys and signing keys share these rules; signing keys apply them per
 * algorithm (one active ES256 key and one active RS256 key).
 */

/** What the lifecycle needs of any key record. */
export interface LifecycleRecord {
  kid: string;
  createdAt: string;
  activatesAt: string;
  retiredAt?: string;
}

export interface TokenKeyRecord extends LifecycleRecord {
  /** 32 bytes, base64url. */
  secret: string;
}

/** A revoked key: no material, only what an operator needs to see that it happened. */
export interface RevokedKey {
  kid: string;
  createdAt: string;
  activatesAt: string;
  revokedAt: string;
}

export interface TokenKeysFile {
  keys: TokenKeyRecord[];
  /** Absent in files written before `keys revoke` existed. Instances never load these kids. */
  revoked?: RevokedKey[];
}

export type KeyState = 'pending' | 'active' | 'retiring';
export type TokenKeyState = KeyState;

export interface KeyStatus {
  kid: string;
  state: KeyState;
  createdAt: string;
  activatesAt: string;
  /** When the key stopped encrypting (retiring keys only). */
  retiringSince?: string;
}
export type TokenKeyStatus = KeyStatus;

/** How `keys list` shows a revoked key. */
export interface RevokedKeyStatus {
  kid: string;
  state: 'revoked';
  createdAt: string;
  activatesAt: string;
  revokedAt: string;
}

export const TOKEN_KEYS_FILE = 'token-keys.json';

/** The records that may be loaded: a kid on the revoked list never is, even if a restored backup put its record back. */
export function liveRecords<R extends LifecycleRecord>(file: { keys: R[]; revoked?: Array<{ kid: string }> }): R[] {
  const revoked = new Set((file.revoked ?? []).map((r) => r.kid));
  return revoked.size === 0 ? file.keys : file.keys.filter((r) => !revoked.has(r.kid));
}

export function keyStatuses(records: LifecycleRecord[], now: number): KeyStatus[] {
  const activated = records
    .filter((r) => Date.parse(r.activatesAt) <= now)
    .sort((a, b) => Date.parse(a.activatesAt) - Date.parse(b.activatesAt) || a.createdAt.localeCompare(b.createdAt));
  const active = [...activated].reverse().find((r) => !r.retiredAt);
  return records.map((record) => {
    const base = { kid: record.kid, createdAt: record.createdAt, activatesAt: record.activatesAt };
    if (record === active) return { ...base, state: 'active' as const };
    if (Date.parse(record.activatesAt) > now && !record.retiredAt) return { ...base, state: 'pending' as const };
    return { ...base, state: 'retiring' as const, retiringSince: new Date(retiringSince(record, activated)).toISOString() };
  });
}

/** A key stops encrypting when it is retired or when a later key activates, whichever came first. */
function retiringSince(record: LifecycleRecord, activated: LifecycleRecord[]): number {
  const candidates = activated
    .filter((r) => r !== record && Date.parse(r.activatesAt) >= Date.parse(record.activatesAt) && !r.retiredAt)
    .map((r) => Date.parse(r.activatesAt));
  if (record.retiredAt) candidates.push(Date.parse(record.retiredAt));
  return candidates.length > 0 ? Math.min(...candidates) : Date.parse(record.activatesAt);
}

/** Retiring keys whose every token has expired (plus clock skew) may be removed. */
export function prunableKids(records: LifecycleRecord[], now: number, maxTokenLifetimeSeconds: number, skewSeconds = 60): string[] {
  return keyStatuses(records, now)
    .filter((s) => s.state === 'retiring' && Date.parse(s.retiringSince!) + (maxTokenLifetimeSeconds + skewSeconds) * 1000 <= now)
    .map((s) => s.kid);
}

export type RevokeOutcome<R extends LifecycleRecord> =
  | { outcome: 'revoked'; records: R[]; tombstone: RevokedKey; wasActive: boolean; promoted?: string }
  | { outcome: 'not_found' }
  /** The key is the active one and no pending key can take over: refusing beats leaving nothing (or an older key) to encrypt. */
  | { outcome: 'no_successor' };

/**
 * Revokes `kid` among `records` (one lifecycle group: all token keys, or the
 * signing keys of one algorithm). The key leaves the list at once. When it
 * is the active key, the pending key due first is activated now in the same
 * write, so the group never silently falls back to an older key or to none;
 * without a pending key the revocation is refused.
 */
export function revokeKey<R extends LifecycleRecord>(records: R[], kid: string, now: number): RevokeOutcome<R> {
  const statuses = keyStatuses(records, now);
  const status = statuses.find((s) => s.kid === kid);
  const record = records.find((r) => r.kid === kid);
  if (!status || !record) return { outcome: 'not_found' };
  const tombstone: RevokedKey = { kid, createdAt: record.createdAt, activatesAt: record.activatesAt, revokedAt: new Date(now).toISOString() };
  const remaining = records.filter((r) => r.kid !== kid);
  if (status.state !== 'active') return { outcome: 'revoked', records: remaining, tombstone, wasActive: false };
  const successor = statuses
    .filter((s) => s.state === 'pending')
    .sort((a, b) => Date.parse(a.activatesAt) - Date.parse(b.activatesAt))[0];
  if (!successor) return { outcome: 'no_successor' };
  const activatesAt = new Date(now).toISOString();
  return {
    outcome: 'revoked',
    records: remaining.map((r) => (r.kid === successor.kid ? { ...r, activatesAt } : r)),
    tombstone,
    wasActive: true,
    promoted: successor.kid,
  };
}
