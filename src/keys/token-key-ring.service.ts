/**
 * The token keys every instance holds in memory: CryptoKeys imported once per
 * kid, reloaded when token-keys.json changes (KeysFileWatch). Which key
 * encrypts is derived from time at each issue, so a pending key becomes
 * active on every instance at the same moment. A key that leaves the file
 * (revoked or pruned) is dropped at the next load, and the listeners (the
 * verification cache) are told, so nothing made with it is accepted again.
 */
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { importTokenKey, type TokenKey } from '../crypto/token-cipher.js';
import { newTokenKeyMaterial, randomToken } from '../crypto/random.js';
import { appError } from '../common/error-catalog.js';
import type { AuditLog } from '../observability/audit-log.js';
import { KeysDir } from './keys-dir.js';
import { KEY_RELOAD_INTERVAL_MS, KeysFileWatch } from './keys-file-watch.js';
import { keyStatuses, liveRecords, TOKEN_KEYS_FILE, type TokenKeyRecord, type TokenKeysFile, type TokenKeyStatus } from './token-key-lifecycle.js';

export { KEY_RELOAD_INTERVAL_MS };

/** Told which kids were unloaded (revoked or pruned) right after the swap. */
export type KeysDroppedListener = (kids: ReadonlySet<string>) => void;

@Injectable()
export class TokenKeyRing implements OnModuleDestroy {
  private readonly logger = new Logger('TokenKeyRing');
  private records: TokenKeyRecord[] = [];
  private keys = new Map<string, TokenKey>();
  private revokedKids = new Set<string>();
  private readonly listeners: KeysDroppedListener[] = [];
  private readonly watch: KeysFileWatch;

  constructor(
    private readonly keysDir: KeysDir,
    private readonly audit?: AuditLog,
  ) {
    this.watch = new KeysFileWatch(keysDir, TOKEN_KEYS_FILE, () => this.load(), (error) =>
      this.logger.error(`cannot reload token keys: ${error.message}`),
    );
  }

  /** Loads the keys, creating a first active key when there is none (first start). */
  async start(): Promise<void> {
    if (this.keysDir.read<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }).keys.length === 0) {
      let created = false;
      await this.keysDir.update<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }, (file) => {
        if (file.keys.length > 0) return file;
        created = true;
        return { ...file, keys: [newKeyRecord(new Date(), 0, file.keys, file.revoked)] };
      });
      if (created) this.logger.log('created the first token key');
    }
    await this.watch.start();
  }

  onModuleDestroy(): void {
    this.watch.stop();
  }

  /** Registers a listener for unloaded kids (the verification cache drops what they made). */
  onKeysDropped(listener: KeysDroppedListener): void {
    this.listeners.push(listener);
  }

  /** Re-reads the file if its stamp moved. Safe to call at any time (also from a pub/sub nudge). */
  reloadIfChanged(): Promise<void> {
    return this.watch.reloadIfChanged();
  }

  private async load(): Promise<void> {
    const file = this.keysDir.read<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] });
    const revoked = new Set((file.revoked ?? []).map((r) => r.kid));
    const records = liveRecords(file);
    const keys = new Map<string, TokenKey>();
    for (const record of records) {
      keys.set(record.kid, this.keys.get(record.kid) ?? (await importTokenKey(record.kid, Buffer.from(record.secret, 'base64url'))));
    }
    const dropped = new Set([...this.keys.keys()].filter((kid) => !keys.has(kid)));
    this.records = records;
    this.keys = keys;
    this.revokedKids = revoked;
    if (dropped.size > 0) this.dropped(dropped);
  }

  private dropped(kids: Set<string>): void {
    for (const listener of this.listeners) listener(kids);
    for (const kid of kids) {
      this.audit?.record('key.unload', { kind: 'token', kid, reason: this.revokedKids.has(kid) ? 'revoked' : 'pruned' });
    }
  }

  /** Any loaded key (pending, active or retiring) by kid: decryption accepts all of them, never a revoked one. */
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

/** A new key record; `kid` is short (tokens must stay small) and unique among `existing` and revoked kids. */
export function newKeyRecord(
  now: Date,
  activateInSeconds: number,
  existing: Array<{ kid: string }> = [],
  revoked: Array<{ kid: string }> = [],
): TokenKeyRecord {
  const taken = new Set([...existing, ...revoked].map((k) => k.kid));
  let kid = randomToken(3);
  while (taken.has(kid)) kid = randomToken(3);
  return {
    kid,
    secret: newTokenKeyMaterial().toString('base64url'),
    createdAt: now.toISOString(),
    activatesAt: new Date(now.getTime() + activateInSeconds * 1000).toISOString(),
  };
}
