import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatwardenConfig, TokensConfig } from '../config/config.schema.js';
import type { AppConfig } from '../config/app-config.js';
import type { AuditLog } from '../observability/audit-log.js';
import { MemoryStore } from '../store/memory.store.js';
import { KeysDir } from './keys-dir.js';
import { TokenKeyAdmin } from './token-key-admin.service.js';
import { TokenKeyRing } from './token-key-ring.service.js';
import { TOKEN_KEYS_FILE, type TokenKeysFile } from './token-key-lifecycle.js';

describe('TokenKeyRing unloads revoked and pruned keys', () => {
  let root: string;
  let store: MemoryStore;
  let ring: TokenKeyRing;
  let admin: TokenKeyAdmin;
  let audit: Array<[string, Record<string, unknown>]>;
  let dropped: string[][];

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'keyring-'));
    const keysDir = new KeysDir(join(root, 'keys'));
    store = new MemoryStore();
    const config = Object.assign(new ChatwardenConfig(), { tokens: Object.assign(new TokensConfig(), { ttlSeconds: 900 }) }) as AppConfig;
    audit = [];
    dropped = [];
    ring = new TokenKeyRing(keysDir, { record: (event: string, fields: Record<string, unknown>) => audit.push([event, fields]) } as unknown as AuditLog);
    ring.onKeysDropped((kids) => dropped.push([...kids]));
    await ring.start();
    admin = new TokenKeyAdmin(keysDir, config, store);
  });
  afterEach(async () => {
    ring.onModuleDestroy();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('a revoked key no longer decrypts, listeners and the audit trail are told; the promoted key encrypts', async () => {
    const first = ring.activeKey().kid;
    const pending = await admin.rotate(60);
    await ring.reloadIfChanged();
    expect(ring.keyFor(first)).toBeDefined();

    const revocation = await admin.revoke(first);
    expect(revocation).toMatchObject({ kind: 'token', activated: pending.kid, key: { kid: first, state: 'revoked' } });
    await ring.reloadIfChanged();
    expect(ring.keyFor(first)).toBeUndefined();
    expect(ring.activeKey().kid).toBe(pending.kid);
    expect(dropped).toEqual([[first]]);
    expect(audit).toContainEqual(['key.unload', { kind: 'token', kid: first, reason: 'revoked' }]);
    expect(admin.list().find((k) => k.kid === first)?.state).toBe('revoked');
  });

  it('a revoked kid is never loaded again, even if a restored backup puts its record back', async () => {
    const keysDir = new KeysDir(join(root, 'keys'));
    const first = ring.activeKey().kid;
    const backup = keysDir.read<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }).keys;
    await admin.rotate(60);
    await admin.revoke(first);
    await keysDir.update<TokenKeysFile>(TOKEN_KEYS_FILE, { keys: [] }, (file) => ({ ...file, keys: [...backup, ...file.keys] }));
    await ring.reloadIfChanged();
    expect(ring.keyFor(first)).toBeUndefined();
    expect(await admin.revoke(first).catch((e: { code: string }) => e.code)).toBe('key_revoked');
  });

  it('pruning tells the listeners too', async () => {
    const first = ring.activeKey().kid;
    const next = await admin.rotate(5);
    const later = new Date(Date.parse(next.activatesAt) + (900 + 61) * 1000);
    expect(await admin.prune(later)).toEqual([first]);
    await ring.reloadIfChanged();
    expect(ring.keyFor(first)).toBeUndefined();
    expect(dropped).toEqual([[first]]);
    expect(audit).toContainEqual(['key.unload', { kind: 'token', kid: first, reason: 'pruned' }]);
  });

  it('refuses to revoke the only (active) key and keeps it', async () => {
    const first = ring.activeKey().kid;
    await expect(admin.revoke(first)).rejects.toMatchObject({ code: 'key_active', detail: expect.stringMatching(/keys rotate/) });
    await ring.reloadIfChanged();
    expect(ring.activeKey().kid).toBe(first);
  });
});
