/**
 * The signing keys every instance holds in memory (signing-keys.json,
 * reloaded like the token keys through KeysFileWatch), and the JwtSigner
 * they provide: the active key of the requested algorithm signs; the public
 * keys of pending, active and retiring keys make the JWKS. A revoked key is
 * never loaded, so it neither signs nor appears in the JWKS after the next
 * reload.
 */
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { JWK } from 'jose';
import { appError } from '../common/error-catalog.js';
import { randomToken } from '../crypto/random.js';
import { generateSigningJwk, importSigningKey, signJwt, type SigningAlg, type SigningKey } from '../crypto/signing-key.js';
import type { AuditLog } from '../observability/audit-log.js';
import { JwtSigner, type SignJwtOptions } from './jwt-signer.js';
import { KeysDir } from './keys-dir.js';
import { KeysFileWatch } from './keys-file-watch.js';
import { liveRecords } from './token-key-lifecycle.js';
import { EMPTY_SIGNING_KEYS_FILE, SIGNING_KEYS_FILE, signingKeyStatuses, type SigningKeyRecord, type SigningKeysFile, type SigningKeyStatus } from './signing-key-lifecycle.js';

/** The JWKS document (RFC 7517 §5). */
export interface JsonWebKeySet {
  keys: JWK[];
}

@Injectable()
export class SigningKeyRing extends JwtSigner implements OnModuleDestroy {
  private readonly logger = new Logger('SigningKeyRing');
  private records: SigningKeyRecord[] = [];
  private keys = new Map<string, SigningKey>();
  private revokedKids = new Set<string>();
  private readonly watch: KeysFileWatch;

  constructor(
    private readonly keysDir: KeysDir,
    private readonly audit?: AuditLog,
  ) {
    super();
    this.watch = new KeysFileWatch(keysDir, SIGNING_KEYS_FILE, () => this.load(), (error) =>
      this.logger.error(`cannot reload signing keys: ${error.message}`),
    );
  }

  /**
   * Loads the keys. `createMissing` (dev mode) first creates an active key of
   * each algorithm that has no key yet, as token keys are created; in
   * production only `keys rotate --signing` creates them, and a consumer
   * without its key gets `no_active_key`.
   */
  async start(options: { createMissing?: SigningAlg[] } = {}): Promise<void> {
    const missing = (options.createMissing ?? []).filter((alg) => !this.readFile().keys.some((k) => k.alg === alg));
    if (missing.length > 0) {
      // Generated outside the lock (RSA takes a moment); added only if still missing once the lock is held.
      const fresh = await Promise.all(missing.map((alg) => newSigningKeyRecord(alg, new Date(), 0)));
      const created: string[] = [];
      await this.keysDir.update<SigningKeysFile>(SIGNING_KEYS_FILE, EMPTY_SIGNING_KEYS_FILE, (file) => {
        const added = fresh.filter((r) => !file.keys.some((k) => k.alg === r.alg));
        created.push(...added.map((r) => r.alg));
        return added.length > 0 ? { ...file, keys: [...file.keys, ...added] } : file;
      });
      if (created.length > 0) this.logger.log(`created the first signing keys (${created.join(', ')})`);
    }
    await this.watch.start();
  }

  onModuleDestroy(): void {
    this.watch.stop();
  }

  reloadIfChanged(): Promise<void> {
    return this.watch.reloadIfChanged();
  }

  private async load(): Promise<void> {
    const file = this.readFile();
    const revoked = new Set((file.revoked ?? []).map((r) => r.kid));
    const records = liveRecords(file);
    const keys = new Map<string, SigningKey>();
    for (const record of records) {
      keys.set(record.kid, this.keys.get(record.kid) ?? (await importSigningKey(record.kid, record.alg, record.privateJwk)));
    }
    const dropped = [...this.keys.keys()].filter((kid) => !keys.has(kid));
    this.records = records;
    this.keys = keys;
    this.revokedKids = revoked;
    for (const kid of dropped) this.audit?.record('key.unload', { kind: 'signing', kid, reason: this.revokedKids.has(kid) ? 'revoked' : 'pruned' });
  }

  private readFile(): SigningKeysFile {
    return this.keysDir.read<SigningKeysFile>(SIGNING_KEYS_FILE, EMPTY_SIGNING_KEYS_FILE);
  }

  /** The key of `alg` that signs now. */
  activeKey(alg: SigningAlg, now = Date.now()): SigningKey {
    const active = signingKeyStatuses(this.records, now).find((s) => s.alg === alg && s.state === 'active');
    const key = active && this.keys.get(active.kid);
    if (!key) throw appError('no_active_key', { alg });
    return key;
  }

  async signJwt(claims: Record<string, unknown>, options: SignJwtOptions): Promise<string> {
    return signJwt(claims, this.activeKey(options.alg), options.typ);
  }

  /** Public keys of every loaded (pending, active or retiring) key; revoked and pruned keys are not loaded. */
  jwks(): JsonWebKeySet {
    return { keys: [...this.keys.values()].map((k) => k.publicJwk) };
  }

  statuses(now = Date.now()): SigningKeyStatus[] {
    return signingKeyStatuses(this.records, now);
  }
}

/** A new signing key record with a kid that says its algorithm and cannot collide with a (4-character) token kid. */
export async function newSigningKeyRecord(
  alg: SigningAlg,
  now: Date,
  activateInSeconds: number,
  taken: ReadonlySet<string> = new Set(),
): Promise<SigningKeyRecord> {
  let kid = `${alg.toLowerCase()}-${randomToken(6)}`;
  while (taken.has(kid)) kid = `${alg.toLowerCase()}-${randomToken(6)}`;
  return {
    kid,
    alg,
    createdAt: now.toISOString(),
    activatesAt: new Date(now.getTime() + activateInSeconds * 1000).toISOString(),
    privateJwk: await generateSigningJwk(alg),
  };
}
