/**
 * Token key lifecycle (SPEC.md "Tokens and keys"), derived from timestamps so
 * every instance reaches the same answer without coordination:
 *   pending  — activatesAt is in the future: loaded everywhere, not used yet;
 *   active   — the most recently activated key that is not retired: encrypts;
 *   retiring — superseded or retired: decrypts only, until its tokens expired.
 */
export interface TokenKeyRecord {
  kid: string;
  /** 32 bytes, base64url. */
  secret: string;
  createdAt: string;
  activatesAt: string;
  retiredAt?: string;
}

export interface TokenKeysFile {
  keys: TokenKeyRecord[];
}

export type TokenKeyState = 'pending' | 'active' | 'retiring';

export interface TokenKeyStatus {
  kid: string;
  state: TokenKeyState;
  createdAt: string;
  activatesAt: string;
  /** When the key stopped encrypting (retiring keys only). */
  retiringSince?: string;
}

export const TOKEN_KEYS_FILE = 'token-keys.json';

export function keyStatuses(records: TokenKeyRecord[], now: number): TokenKeyStatus[] {
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
function retiringSince(record: TokenKeyRecord, activated: TokenKeyRecord[]): number {
  const candidates = activated
    .filter((r) => r !== record && Date.parse(r.activatesAt) >= Date.parse(record.activatesAt) && !r.retiredAt)
    .map((r) => Date.parse(r.activatesAt));
  if (record.retiredAt) candidates.push(Date.parse(record.retiredAt));
  return candidates.length > 0 ? Math.min(...candidates) : Date.parse(record.activatesAt);
}

/** Retiring keys whose every token has expired (plus clock skew) may be removed. */
export function prunableKids(records: TokenKeyRecord[], now: number, maxTokenLifetimeSeconds: number, skewSeconds = 60): string[] {
  return keyStatuses(records, now)
    .filter((s) => s.state === 'retiring' && Date.parse(s.retiringSince!) + (maxTokenLifetimeSeconds + skewSeconds) * 1000 <= now)
    .map((s) => s.kid);
}
