/** The operator's side of the token key lifecycle: rotate, retire, prune (CLI `keys …`). */
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { appError } from '../common/error-catalog.js';
import { Store } from '../store/store.js';
import { KeysDir } from './keys-dir.js';
import { KEY_RELOAD_INTERVAL_MS, newKeyRecord } from './token-key-ring.service.js';
import { keyStatuses, prunableKids, TOKEN_KEYS_FILE, type TokenKeyRecord, type TokenKeysFile, type TokenKeyStatus } from './token-key-lifecycle.js';

/** A pending key waits at least this long, so every instance has loaded it before anyone encrypts with it. */
export const MIN_ACTIVATION_DELAY_SECONDS = Math.ceil((KEY_RELOAD_INTERVAL_MS * 2.5) / 1000);
export const DEFAULT_ACTIVATION_DELAY_SECONDS = 60;

/** Store pub/sub channel on which a key change is announced to every instance. */
export const KEYS_CHANGED_CHANNEL = 'keys-changed';

@Injectable()
export class TokenKeyAdmin {
  constructor(
    private readonly keysDir: KeysDir,
    private readonly config: AppConfig,
    private readonly store: Store,
  ) {}

  /** Best effort: instances also notice the file change by themselves within the reload interval. */
  private async announce(): Promise<void> {
    await this.store.publish(KEYS_CHANGED_CHANNEL, String(Date.now())).catch(() => undefined);
  }

  list(now = Date.now()): TokenKeyStatus[] {
    return keyStatuses(this.read().keys, now);
  }

  async rotate(activateInSeconds = DEFAULT_ACTIVATION_DELAY_SECONDS, now = new Date()): Promise<TokenKeyStatus> {
    if (!Number.isInteger(activateInSeconds) || activateInSeconds < MIN_ACTIVATION_DELAY_SECONDS) {
      throw appError('activation_too_soon', { detail: `--activate-in must be at least ${MIN_ACTIVATION_DELAY_SECONDS} seconds so every instance loads the key before it is used` });
    }
    let record!: TokenKeyRecord;
    await this.keysDir.update<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }, (file) => {
      record = newKeyRecord(now, activateInSeconds, file.keys);
      return { keys: [...file.keys, record] };
    });
    await this.announce();
    return this.list(now.getTime()).find((s) => s.kid === record.kid)!;
  }

  async retire(kid: string, now = new Date()): Promise<TokenKeyStatus> {
    await this.keysDir.update<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }, (file) => {
      const statuses = keyStatuses(file.keys, now.getTime());
      const status = statuses.find((s) => s.kid === kid);
      if (!status) throw appError('key_not_found', { detail: `no token key with id ${kid}` });
      if (status.state === 'active') {
        throw appError('key_active', { detail: `${kid} is the active key: run \`keys rotate\` and retire it once the new key is active` });
      }
      return { keys: file.keys.map((k) => (k.kid === kid && !k.retiredAt ? { ...k, retiredAt: now.toISOString() } : k)) };
    });
    await this.announce();
    return this.list(now.getTime()).find((s) => s.kid === kid)!;
  }

  /** Removes retiring keys whose tokens have all expired; returns the removed kids. */
  async prune(now = new Date()): Promise<string[]> {
    let removed: string[] = [];
    await this.keysDir.update<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }, (file) => {
      removed = prunableKids(file.keys, now.getTime(), this.config.tokens.ttlSeconds);
      return { keys: file.keys.filter((k) => !removed.includes(k.kid)) };
    });
    await this.announce();
    return removed;
  }

  private read(): TokenKeysFile {
    return this.keysDir.read<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] });
  }
}
