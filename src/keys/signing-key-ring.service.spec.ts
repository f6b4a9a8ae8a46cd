import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { ChatwardenConfig, TokensConfig } from '../config/config.schema.js';
import type { AppConfig } from '../config/app-config.js';
import { MemoryStore } from '../store/memory.store.js';
import { KeysDir } from './keys-dir.js';
import { DEFAULT_SIGNING_ACTIVATION_DELAY_SECONDS, SigningKeyAdmin } from './signing-key-admin.service.js';
import { SIGNING_KEYS_FILE, type SigningKeysFile } from './signing-key-lifecycle.js';
import { SigningKeyRing } from './signing-key-ring.service.js';
import { TokenKeyAdmin } from './token-key-admin.service.js';

describe('SigningKeyRing', () => {
  let root: string;
  let keysDir: KeysDir;
  let store: MemoryStore;
  let ring: SigningKeyRing;
  let admin: SigningKeyAdmin;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'signing-'));
    keysDir = new KeysDir(join(root, 'keys'));
    store = new MemoryStore();
    const config = Object.assign(new ChatwardenConfig(), { tokens: Object.assign(new TokensConfig(), { ttlSeconds: 900 }) }) as AppConfig;
    ring = new SigningKeyRing(keysDir);
    admin = new SigningKeyAdmin(keysDir, config, new TokenKeyAdmin(keysDir, config, store));
  });
  afterEach(async () => {
    ring.onModuleDestroy();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  const verifier = () => createLocalJWKSet(ring.jwks() as never);

  it('dev mode: creates one active ES256 and one RS256 key, stored 0600; each signs what jose verifies against the JWKS', async () => {
    await ring.start({ createMissing: ['ES256', 'RS256'] });
    expect(statSync(keysDir.file(SIGNING_KEYS_FILE)).mode & 0o777).toBe(0o600);
    expect(ring.statuses().map((s) => [s.alg, s.state]).sort()).toEqual([['ES256', 'active'], ['RS256', 'active']]);
    for (const alg of ['ES256', 'RS256'] as const) {
      const jwt = await ring.signJwt({ sub: 'alice', aud: 'x', exp: Math.floor(Date.now() / 1000) + 60 }, { alg, typ: 'chatwarden-assertion+jwt' });
      const { payload, protectedHeader } = await jwtVerify(jwt, verifier(), { algorithms: [alg], audience: 'x', typ: 'chatwarden-assertion+jwt' });
      expect(payload.sub).toBe('alice');
      expect(protectedHeader.kid).toBe(ring.activeKey(alg).kid);
    }
    // A second start (another instance, a restart) creates nothing more.
    const again = new SigningKeyRing(keysDir);
    await again.start({ createMissing: ['ES256', 'RS256'] });
    expect(again.statuses()).toHaveLength(2);
    again.onModuleDestroy();
  });

  it('production: no key is created; signing without an active key of the algorithm is no_active_key', async () => {
    await ring.start();
    expect(ring.jwks()).toEqual({ keys: [] });
    await expect(ring.signJwt({ sub: 'a' }, { alg: 'RS256' })).rejects.toMatchObject({ code: 'no_active_key', status: 503 });
    // The first key of an algorithm is active at once; the next one waits out the JWKS caches.
    expect(await admin.rotate('ES256')).toMatchObject({ alg: 'ES256', state: 'active' });
    const second = await admin.rotate('ES256');
    expect(second.state).toBe('pending');
    expect(Date.parse(second.activatesAt) - Date.parse(second.createdAt)).toBe(DEFAULT_SIGNING_ACTIVATION_DELAY_SECONDS * 1000);
    await ring.reloadIfChanged();
    await expect(ring.signJwt({ sub: 'a' }, { alg: 'RS256' })).rejects.toMatchObject({ code: 'no_active_key' });
    await expect(ring.signJwt({ sub: 'a' }, { alg: 'ES256' })).resolves.toMatch(/^ey/);
  });

  it('a pending key is published before it signs, one key per algorithm is active, and a revoked key leaves the JWKS', async () => {
    await ring.start();
    const first = await admin.rotate('ES256', 0);
    await expect(admin.rotate('ES256', 1)).rejects.toMatchObject({ code: 'activation_too_soon' });
    const next = await admin.rotate('ES256', 60);
    await ring.reloadIfChanged();
    expect(ring.jwks().keys.map((k) => k.kid).sort()).toEqual([first.kid, next.kid].sort());
    expect(ring.activeKey('ES256').kid).toBe(first.kid);

    const revocation = await admin.revoke(first.kid);
    expect(revocation).toMatchObject({ kind: 'signing', alg: 'ES256', activated: next.kid });
    await ring.reloadIfChanged();
    expect(ring.jwks().keys.map((k) => k.kid)).toEqual([next.kid]);
    expect(ring.activeKey('ES256').kid).toBe(next.kid);
    // The compromised private key is gone from the file; only a tombstone remains.
    const file = keysDir.read<SigningKeysFile>(SIGNING_KEYS_FILE, { keys: [] });
    expect(file.keys.map((k) => k.kid)).toEqual([next.kid]);
    expect(file.revoked).toEqual([expect.not.objectContaining({ privateJwk: expect.anything() })]);
    expect(admin.list().find((k) => k.kid === first.kid)?.state).toBe('revoked');
  });

  it('the JWKS never shows a private member', async () => {
    await ring.start({ createMissing: ['ES256', 'RS256'] });
    const text = JSON.stringify(ring.jwks());
    for (const member of ['"d"', '"p"', '"q"', '"dp"', '"dq"', '"qi"']) expect(text).not.toContain(member);
  });
});
