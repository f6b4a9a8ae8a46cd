/**
 * The token keys every instance holds in memory: CryptoKeys imported once per
 * kid, reloaded when token-keys.json changes (file watch, plus a periodic
 * check as the fallback for volumes where watching does not work, plus an
 * explicit nudge). Which key encrypts is derived from time at each issue, so
 * a pending key becomes active on every instance at the same moment.
 */
import { watch, type FSWatcher } from 'node:fs';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { importTokenKey, type TokenKey } from '../crypto/token-cipher.js';
import { newTokenKeyMaterial, randomToken } from '../crypto/random.js';
import { appError } from '../common/error-catalog.js';
import { KeysDir } from './keys-dir.js';
import { keyStatuses, TOKEN_KEYS_FILE, type TokenKeyRecord, type TokenKeysFile, type TokenKeyStatus } from './token-key-lifecycle.js';

/** How often every instance re-checks the keys file; `keys rotate` waits longer than this before activating. */
export const KEY_RELOAD_INTERVAL_MS = 2000;

@Injectable()
export class TokenKeyRing implements OnModuleDestroy {
  private readonly logger = new Logger('TokenKeyRing');
  private records: TokenKeyRecord[] = [];
  private keys = new Map<string, TokenKey>();
  private stamp = '';
  private timer?: NodeJS.Timeout;
  private watcher?: FSWatcher;

  constructor(private readonly keysDir: KeysDir) {}

  /** Loads the keys, creating a first active key when there is none (first start). */
  async start(): Promise<void> {
    if (this.keysDir.read<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }).keys.length === 0) {
      await this.keysDir.update<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }, (file) =>
        file.keys.length > 0 ? file : { keys: [newKeyRecord(new Date(), 0)] },
      );
      this.logger.log('created the first token key');
    }
    await this.reload();
    this.timer = setInterval(() => void this.reloadIfChanged(), KEY_RELOAD_INTERVAL_MS);
    this.timer.unref();
    try {
      this.watcher = watch(this.keysDir.path, () => void this.reloadIfChanged());
      this.watcher.unref();
    } catch {
      // Some volumes cannot be watched; the periodic check covers them.
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.watcher?.close();
  }

  /** Re-reads the file if its stamp moved. Safe to call at any time (also from a pub/sub nudge). */
  async reloadIfChanged(): Promise<void> {
    if (this.keysDir.stamp(TOKEN_KEYS_FILE) !== this.stamp) await this.reload().catch((error) => this.logger.error(`cannot reload token keys: ${(error as Error).message}`));
  }

  private async reload(): Promise<void> {
    const stamp = this.keysDir.stamp(TOKEN_KEYS_FILE);
    const records = this.keysDir.read<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }).keys;
    const keys = new Map<string, TokenKey>();
    for (const record of records) {
      keys.set(record.kid, this.keys.get(record.kid) ?? (await importTokenKey(record.kid, Buffer.from(record.secret, 'base64url'))));
    }
    this.records = records;
    this.keys = keys;
    this.stamp = stamp;
  }

  /** Any loaded key (pending, active or retiring) by kid: decryption accepts all of them. */
  keyFor = (kid: string): TokenKey | undefined => this.keys.get(kid);

  /** The key that encrypts now. */
  activeKey(now = Date.now()): TokenKey {
    const active = keyStatuses(this.records, now).find((s) => s.state === 'active');
    const key = active && this.keys.get(active.kid);
    if (!key) throw appError('no_active_key');
    return key;
  }

  statuses(now = Date.now()): TokenKeyStatus[] {
    return keyStatuses(this.records, now);
  }

  get loaded(): number {
    return this.keys.size;
  }
}

/** A new key record; `kid` is short (tokens must stay small) and unique among `existing`. */
export function newKeyRecord(now: Date, activateInSeconds: number, existing: TokenKeyRecord[] = []): TokenKeyRecord {
  let kid = randomToken(3);
  while (existing.some((k) => k.kid === kid)) kid = randomToken(3);
  return {
    kid,
    secret: newTokenKeyMaterial().toString('base64url'),
    createdAt: now.toISOString(),
    activatesAt: new Date(now.getTime() + activateInSeconds * 1000).toISOString(),
  };
}
