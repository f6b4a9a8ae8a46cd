/** The operator's side of the signing key set: rotate, retire, revoke, prune (CLI `keys … --signing` and by kid). */
import { Injectable } from '@nestjs/common';
import type { AppError } from '../common/app-error.js';
import { appError } from '../common/error-catalog.js';
import { AppConfig } from '../config/app-config.js';
import type { SigningAlg } from '../crypto/signing-key.js';
import { KeysDir } from './keys-dir.js';
import { checkActivationDelay, noSuccessor, TokenKeyAdmin, type KeyRevocation } from './token-key-admin.service.js';
import { newSigningKeyRecord } from './signing-key-ring.service.js';
import {
  EMPTY_SIGNING_KEYS_FILE,
  prunableSigningKids,
  SIGNING_KEYS_FILE,
  signingKeyStatuses,
  type RevokedSigningKeyStatus,
  type SigningKeysFile,
  type SigningKeyStatus,
} from './signing-key-lifecycle.js';
import { liveRecords, revokeKey } from './token-key-lifecycle.js';

/** How long /.well-known/jwks.json may be cached (Cache-Control max-age). */
export const JWKS_MAX_AGE_SECONDS = 300;

/**
 * A new signing key is published (pending) this long before it signs: longer
 * than the JWKS max-age and than jose's default JWKS cache (10 minutes), so a
 * verifier that cached the JWKS already holds the key when it first meets it.
 */
export const DEFAULT_SIGNING_ACTIVATION_DELAY_SECONDS = 600;
export const DEFAULT_SIGNING_ALG: SigningAlg = 'ES256';

@Injectable()
export class SigningKeyAdmin {
  constructor(
    private readonly keysDir: KeysDir,
    private readonly config: AppConfig,
    private readonly tokenKeys: TokenKeyAdmin,
  ) {}

  list(now = Date.now()): Array<SigningKeyStatus | RevokedSigningKeyStatus> {
    const file = this.read();
    return [...signingKeyStatuses(liveRecords(file), now), ...(file.revoked ?? []).map((r) => ({ ...r, state: 'revoked' as const }))];
  }

  has(kid: string): boolean {
    const file = this.read();
    return file.keys.some((k) => k.kid === kid) || (file.revoked ?? []).some((k) => k.kid === kid);
  }

  /**
   * Adds a pending key of `alg`. The first key of an algorithm activates at
   * once unless told otherwise: no instance or verifier can be relying on
   * another key of it yet. Later keys wait DEFAULT_SIGNING_ACTIVATION_DELAY_SECONDS.
   */
  async rotate(alg: SigningAlg = DEFAULT_SIGNING_ALG, activateIn?: number, now = new Date()): Promise<SigningKeyStatus> {
    const first = !liveRecords(this.read()).some((k) => k.alg === alg);
    const activateInSeconds = activateIn ?? (first ? 0 : DEFAULT_SIGNING_ACTIVATION_DELAY_SECONDS);
    checkActivationDelay(activateInSeconds, first ? 0 : undefined);
    const file = this.read();
    // Generated before the lock is taken (an RSA key takes a moment); the kid is random, unique among live and revoked kids.
    const record = await newSigningKeyRecord(alg, now, activateInSeconds, new Set([...file.keys, ...(file.revoked ?? [])].map((k) => k.kid)));
    await this.keysDir.update<SigningKeysFile>(SIGNING_KEYS_FILE, EMPTY_SIGNING_KEYS_FILE, (current) => {
      // Another run may have added the first key of `alg` meanwhile: then this one is a rotation like any other.
      if (first && liveRecords(current).some((k) => k.alg === alg)) checkActivationDelay(activateInSeconds);
      return { ...current, keys: [...current.keys, record] };
    });
    await this.tokenKeys.announce();
    return signingKeyStatuses(liveRecords(this.read()), now.getTime()).find((s) => s.kid === record.kid)!;
  }

  async retire(kid: string, now = new Date()): Promise<SigningKeyStatus> {
    await this.keysDir.update<SigningKeysFile>(SIGNING_KEYS_FILE, EMPTY_SIGNING_KEYS_FILE, (file) => {
      const status = signingKeyStatuses(liveRecords(file), now.getTime()).find((s) => s.kid === kid);
      if (!status) throw notFound(kid, file);
      if (status.state === 'active') {
        throw appError('key_active', { detail: `${kid} is the active ${status.alg} key: run \`keys rotate --signing --alg ${status.alg}\` and retire it once the new key is active` });
      }
      return { ...file, keys: file.keys.map((k) => (k.kid === kid && !k.retiredAt ? { ...k, retiredAt: now.toISOString() } : k)) };
    });
    await this.tokenKeys.announce();
    return signingKeyStatuses(liveRecords(this.read()), now.getTime()).find((s) => s.kid === kid)!;
  }

  /** As TokenKeyAdmin.revoke, among the keys of the revoked key's algorithm; the private key is deleted from the file. */
  async revoke(kid: string, now = new Date()): Promise<KeyRevocation> {
    let revocation!: KeyRevocation;
    await this.keysDir.update<SigningKeysFile>(SIGNING_KEYS_FILE, EMPTY_SIGNING_KEYS_FILE, (file) => {
      const live = liveRecords(file);
      const record = live.find((k) => k.kid === kid);
      if (!record) throw notFound(kid, file);
      const group = live.filter((k) => k.alg === record.alg);
      const result = revokeKey(group, kid, now.getTime());
      if (result.outcome === 'not_found') throw notFound(kid, file);
      if (result.outcome === 'no_successor') throw noSuccessor(kid, ` --signing --alg ${record.alg}`);
      const changed = new Map(result.records.map((r) => [r.kid, r]));
      const tombstone = { ...result.tombstone, alg: record.alg };
      revocation = { key: { ...tombstone, state: 'revoked' }, kind: 'signing', alg: record.alg, ...(result.promoted && { activated: result.promoted }) };
      return {
        ...file,
        keys: live.filter((k) => k.kid !== kid).map((k) => changed.get(k.kid) ?? k),
        revoked: [...(file.revoked ?? []), tombstone],
      };
    });
    await this.tokenKeys.announce();
    return revocation;
  }

  /**
   * Removes retiring keys once every JWT they signed has expired. Signed JWTs
   * (identity proofs, gateway assertions) never outlive a user token, so the
   * token TTL bounds them.
   */
  async prune(now = new Date()): Promise<string[]> {
    let removed: string[] = [];
    // Nothing to do: no write (and no empty file where no signing key was ever made).
    if (prunableSigningKids(liveRecords(this.read()), now.getTime(), this.config.tokens.ttlSeconds).length === 0) return [];
    await this.keysDir.update<SigningKeysFile>(SIGNING_KEYS_FILE, EMPTY_SIGNING_KEYS_FILE, (file) => {
      removed = prunableSigningKids(liveRecords(file), now.getTime(), this.config.tokens.ttlSeconds);
      return removed.length > 0 ? { ...file, keys: liveRecords(file).filter((k) => !removed.includes(k.kid)) } : file;
    });
    if (removed.length > 0) await this.tokenKeys.announce();
    return removed;
  }

  private read(): SigningKeysFile {
    return this.keysDir.read<SigningKeysFile>(SIGNING_KEYS_FILE, EMPTY_SIGNING_KEYS_FILE);
  }
}

function notFound(kid: string, file: SigningKeysFile): AppError {
  if ((file.revoked ?? []).some((r) => r.kid === kid)) return appError('key_revoked', { detail: `${kid} is already revoked` });
  return appError('key_not_found', { detail: `no key with id ${kid}` });
}
