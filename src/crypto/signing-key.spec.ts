import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { generateSigningJwk, importSigningKey, publicJwkOf, signJwt } from './signing-key.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

describe('signing keys', () => {
  it.each(['ES256', 'RS256'] as const)('%s: a generated key signs a JWT that jose verifies with the published public JWK', async (alg) => {
    const jwk = await generateSigningJwk(alg);
    const key = await importSigningKey('k1', alg, jwk);
    const token = await signJwt({ sub: 'alice', exp: 2_000_000_000 }, key, 'chatwarden-assertion+jwt');
    expect(decodeProtectedHeader(token)).toEqual({ alg, kid: 'k1', typ: 'chatwarden-assertion+jwt' });
    // jose, not the node:crypto that signed: an independent reading of RFC 7515/7518 (ES256 as raw r||s).
    const { payload } = await jwtVerify(token, await importJWK(key.publicJwk, alg), { algorithms: [alg], typ: 'chatwarden-assertion+jwt' });
    expect(payload).toEqual({ sub: 'alice', exp: 2_000_000_000 });
    await expect(jwtVerify(`${token.slice(0, -4)}AAAA`, await importJWK(key.publicJwk, alg), { algorithms: [alg] })).rejects.toThrow();
    expect(key.privateKey.type).toBe('private');
  });

  it('the public JWK carries no private member, whatever the private JWK holds', async () => {
    for (const alg of ['ES256', 'RS256'] as const) {
      const jwk = { ...(await generateSigningJwk(alg)), k: 'c2VjcmV0', ext: true, key_ops: ['sign'] };
      const pub = publicJwkOf(jwk, alg, 'kid-1') as Record<string, unknown>;
      for (const member of PRIVATE_MEMBERS) expect(pub).not.toHaveProperty(member);
      expect(pub).toMatchObject({ kid: 'kid-1', alg, use: 'sig' });
      expect(Object.keys(pub).sort()).toEqual((alg === 'ES256' ? ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'] : ['alg', 'e', 'kid', 'kty', 'n', 'use']).sort());
    }
  });

  it('refuses a key of the wrong type or too small for its algorithm', async () => {
    const ec = await generateSigningJwk('ES256');
    await expect(importSigningKey('k', 'RS256', ec)).rejects.toThrow(/RSA/);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const small = privateKey.export({ format: 'jwk' });
    await expect(importSigningKey('k', 'RS256', small as never)).rejects.toThrow(/2048/);
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    await expect(importSigningKey('k', 'ES256', await exportJWK(publicKey))).rejects.toThrow(/private/);
  });
});
