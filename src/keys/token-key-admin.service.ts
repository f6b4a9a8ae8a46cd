/** The operator's side of the token key lifecycle: rotate, retire, revoke, prune (CLI `keys …`). */
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { AppError } from '../common/app-error.js';
import { appError } from '../common/error-catalog.js';
import { Store } from '../store/store.js';
import { KeysDir } from './keys-dir.js';
import { KEY_RELOAD_INTERVAL_MS, newKeyRecord } from './token-key-ring.service.js';
import {
  keyStatuses,
  liveRecords,
  prunableKids,
  revokeKey,
  TOKEN_KEYS_FILE,
  type RevokedKeyStatus,
  type TokenKeyRecord,
  type TokenKeysFile,
  type TokenKeyStatus,
} from './token-key-lifecycle.js';

/** A pending key waits at least this long, so every instance has loaded it before anyone encrypts with it. */
export const MIN_ACTIVATION_DELAY_SECONDS = Math.ceil((KEY_RELOAD_INTERVAL_MS * 2.5) / 1000);
export const DEFAULT_ACTIVATION_DELAY_SECONDS = 60;

/** Store pub/sub channel on which a key change is announced to every instance. */
export const KEYS_CHANGED_CHANNEL = 'keys-changed';

/** What `keys revoke` did: the tombstone, and the pending key it activated when the revoked key was the active one. */
export interface KeyRevocation {
  key: RevokedKeyStatus;
  kind: 'token' | 'signing';
  alg?: string;
  /** The kid of the pending key activated in its place (revoking the active key). */
  activated?: string;
}

@Injectable()
export class TokenKeyAdmin {
  constructor(
    private readonly keysDir: KeysDir,
    private readonly config: AppConfig,
    private readonly store: Store,
  ) {}

  /** Best effort: instances also notice the file change by themselves within the reload interval. */
  async announce(): Promise<void> {
    await this.store.publish(KEYS_CHANGED_CHANNEL, String(Date.now())).catch(() => undefined);
  }

  list(now = Date.now()): Array<TokenKeyStatus | RevokedKeyStatus> {
    const file = this.read();
    return [...keyStatuses(liveRecords(file), now), ...(file.revoked ?? []).map((r) => ({ ...r, state: 'revoked' as const }))];
  }

  /** Whether `kid` names a token key (live or revoked), for dispatching `keys retire|revoke KID`. */
  has(kid: string): boolean {
    const file = this.read();
    return file.keys.some((k) => k.kid === kid) || (file.revoked ?? []).some((k) => k.kid === kid);
  }

  async rotate(activateInSeconds = DEFAULT_ACTIVATION_DELAY_SECONDS, now = new Date()): Promise<TokenKeyStatus> {
    checkActivationDelay(activateInSeconds);
    let record!: TokenKeyRecord;
    await this.keysDir.update<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }, (file) => {
      record = newKeyRecord(now, activateInSeconds, file.keys, file.revoked);
      return { ...file, keys: [...file.keys, record] };
    });
    await this.announce();
    return keyStatuses(liveRecords(this.read()), now.getTime()).find((s) => s.kid === record.kid)!;
  }

  async retire(kid: string, now = new Date()): Promise<TokenKeyStatus> {
    await this.keysDir.update<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }, (file) => {
      const status = keyStatuses(liveRecords(file), now.getTime()).find((s) => s.kid === kid);
      if (!status) throw notFound(kid, file);
      if (status.state === 'active') {
        throw appError('key_active', { detail: `${kid} is the active key: run \`keys rotate\` and retire it once the new key is active` });
      }
      return { ...file, keys: file.keys.map((k) => (k.kid === kid && !k.retiredAt ? { ...k, retiredAt: now.toISOString() } : k)) };
    });
    await this.announce();
    return keyStatuses(liveRecords(this.read()), now.getTime()).find((s) => s.kid === kid)!;
  }

  /**
   * The key is compromised: its record (and material) leaves the file at once and
   * its kid goes on the revoked list; every instance unloads it at its next reload
   * and answers `token_invalid` for its tokens. Revoking the active key activates
   * the pending key due first in the same write, or is refused when there is none.
   */
  async revoke(kid: string, now = new Date()): Promise<KeyRevocation> {
    let revocation!: KeyRevocation;
    await this.keysDir.update<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }, (file) => {
      const result = revokeKey(liveRecords(file), kid, now.getTime());
      if (result.outcome === 'not_found') throw notFound(kid, file);
      if (result.outcome === 'no_successor') throw noSuccessor(kid, '');
      revocation = { key: { ...result.tombstone, state: 'revoked' }, kind: 'token', ...(result.promoted && { activated: result.promoted }) };
      return { ...file, keys: result.records, revoked: [...(file.revoked ?? []), result.tombstone] };
    });
    await this.announce();
    return revocation;
  }

  /** Removes retiring keys whose tokens have all expired; returns the removed kids. */
  async prune(now = new Date()): Promise<string[]> {
    let removed: string[] = [];
    await this.keysDir.update<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }, (file) => {
      removed = prunableKids(liveRecords(file), now.getTime(), this.config.tokens.ttlSeconds);
      return { ...file, keys: liveRecords(file).filter((k) => !removed.includes(k.kid)) };
    });
    if (removed.length > 0) await this.announce();
    return removed;
  }

  private read(): TokenKeysFile {
    return this.keysDir.read<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] });
  }
}

export function checkActivationDelay(activateInSeconds: number, minimum = MIN_ACTIVATION_DELAY_SECONDS): void {
  if (!Number.isInteger(activateInSeconds) || activateInSeconds < minimum) {
    throw appError('activation_too_soon', { detail: `--activate-in must be at least ${minimum} seconds so every instance loads the key before it is used` });
  }
}

function notFound(kid: string, file: { revoked?: Array<{ kid: string }> }): AppError {
  if ((file.revoked ?? []).some((r) => r.kid === kid)) return appError('key_revoked', { detail: `${kid} is already revoked` });
  return appError('key_not_found', { detail: `no key with id ${kid}` });
}

export function noSuccessor(kid: string, rotateFlags: string): AppError {
  return appError('key_active', { detail: `${kid} is the active key and no pending key can take over: run \`keys rotate${rotateFlags} --activate-in ${MIN_ACTIVATION_DELAY_SECONDS}\`, then \`keys revoke ${kid}\` again (the new key is activated at once)` });
}
