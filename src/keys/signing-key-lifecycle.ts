/**
 * The signing key set in `signing-keys.json`: asymmetric keys with the token
 * keys' lifecycle (token-key-lifecycle.ts), applied per algorithm, so at most
 * one ES256 key and one RS256 key are active at a time. Pending keys are
 * already published in the JWKS, so a verifier that cached it knows a key
 * before anything is signed with it; retiring keys stay published until every
 * JWT they signed has expired.
 */
import type { JWK } from 'jose';
import type { SigningAlg } from '../crypto/signing-key.js';
import { keyStatuses, prunableKids, type KeyStatus, type LifecycleRecord, type RevokedKey, type RevokedKeyStatus } from './token-key-lifecycle.js';

export const SIGNING_KEYS_FILE = 'signing-keys.json';

export interface SigningKeyRecord extends LifecycleRecord {
  alg: SigningAlg;
  /** The private key as a JWK (the public part is derived from it). */
  privateJwk: JWK;
}

export interface SigningKeysFile {
  keys: SigningKeyRecord[];
  revoked?: Array<RevokedKey & { alg: SigningAlg }>;
}

export type SigningKeyStatus = KeyStatus & { alg: SigningAlg };
export type RevokedSigningKeyStatus = RevokedKeyStatus & { alg: SigningAlg };

export const EMPTY_SIGNING_KEYS_FILE: SigningKeysFile = { keys: [] };

/** Statuses in file order, each key judged among the keys of its algorithm. */
export function signingKeyStatuses(records: SigningKeyRecord[], now: number): SigningKeyStatus[] {
  const byKid = new Map<string, SigningKeyStatus>();
  for (const alg of new Set(records.map((r) => r.alg))) {
    const group = records.filter((r) => r.alg === alg);
    for (const status of keyStatuses(group, now)) byKid.set(status.kid, { ...status, alg });
  }
  return records.map((r) => byKid.get(r.kid)!);
}

export function prunableSigningKids(records: SigningKeyRecord[], now: number, maxJwtLifetimeSeconds: number): string[] {
  return [...new Set(records.map((r) => r.alg))].flatMap((alg) =>
    prunableKids(
      records.filter((r) => r.alg === alg),
      now,
      maxJwtLifetimeSeconds,
    ),
  );
}
