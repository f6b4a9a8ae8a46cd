/**
 * Key compromise and the signing key set on a running instance:
 * - `keys revoke` (the real CLI binary, sharing the keys dir): a token that
 *   verified, and so sits in the verification cache, keeps passing until the
 *   revocation, then answers token_invalid once the instance has reloaded the
 *   keys dir by itself (file watch / periodic check: the CLI here shares no
 *   store with the instance, so no nudge reaches it);
 * - GET /.well-known/jwks.json checked by an independent verifier (jose's
 *   createRemoteJWKSet + jwtVerify) over HTTP, across a rotation: a verifier
 *   that fetched the JWKS once, while the new key was pending, verifies
 *   everything signed before and after the switch without fetching again.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRemoteJWKSet, customFetch, decodeProtectedHeader, jwtVerify } from 'jose';
import { stringify } from 'yaml';
import { JwtSigner } from '../src/keys/jwt-signer.js';
import { SigningKeyAdmin } from '../src/keys/signing-key-admin.service.js';
import { runCli } from './support/cli.js';
import { baseConfig, startTestApp, type TestApp } from './support/test-app.js';

/** Polls `probe` until it returns a defined value; fails with `what` after `ms`. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Each CLI run is a process start; on a busy machine that takes seconds. */
const CLI_TEST_TIMEOUT_MS = 120_000;

const kidOf = (token: string) => decodeProtectedHeader(token).kid as string;

describe('keys revoke on a running instance', () => {
  let t: TestApp;
  let configPath: string;
  const cli = (...args: string[]) => runCli(['--config', configPath, ...args], { env: { CHATWARDEN_LOG_LEVEL: 'info' } });

  beforeAll(async () => {
    t = await startTestApp();
    configPath = join(t.keysDir, '..', 'cli.yaml');
    writeFileSync(configPath, stringify(baseConfig(t.keysDir)));
  });
  afterAll(() => t?.close());

  const issue = async (subject: string) => {
    const response = await fetch(`${t.url}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.apiKeys.issue}`, 'content-type': 'application/json' },
      body: JSON.stringify({ bot: 'shop', subject }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { token: string }).token;
  };
  const verify = async (token: string) => {
    const response = await fetch(`${t.url}/v1/verify/token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.apiKeys.verify}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token, bot: 'shop' }),
    });
    return { status: response.status, body: (await response.json()) as { valid?: boolean; error?: string } };
  };

  it('a cached verification passes until `keys revoke`, then token_invalid; the pending key takes over at once', async () => {
    const token = await issue('erin');
    const compromised = kidOf(token);
    expect((await verify(token)).body.valid).toBe(true);

    // Revoking the only key is refused: the service would be left without an active key.
    const refused = await cli('keys', 'revoke', compromised);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/no pending key can take over.*keys rotate/);
    expect((await verify(token)).body.valid).toBe(true);

    const rotated = await cli('keys', 'rotate', '--activate-in', '600', '--json');
    expect(rotated.code).toBe(0);
    const successor = JSON.parse(rotated.stdout).key.kid as string;
    expect((await verify(token)).body.valid).toBe(true);

    const revoked = await cli('keys', 'revoke', compromised, '--json');
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ kind: 'token', key: { kid: compromised, state: 'revoked' }, activated: successor });
    expect(revoked.stderr).toMatch(new RegExp(`"event":"key.revoke","kid":"${compromised}","kind":"token","activated":"${successor}"`));

    const refusal = await eventually('the instance to refuse the revoked key', async () => {
      const result = await verify(token);
      return result.body.valid ? undefined : result;
    });
    expect(refusal).toEqual({ status: 401, body: expect.objectContaining({ valid: false, error: 'token_invalid' }) });
    // And it stays refused (nothing serves it from a cache any more).
    expect((await verify(token)).body.error).toBe('token_invalid');

    const fresh = await issue('erin');
    expect(kidOf(fresh)).toBe(successor);
    expect((await verify(fresh)).body.valid).toBe(true);

    const listed = JSON.parse((await cli('keys', 'list', '--json')).stdout) as { keys: Array<{ kid: string; state: string }>; signingKeys: unknown[] };
    expect(listed.keys).toEqual(expect.arrayContaining([expect.objectContaining({ kid: compromised, state: 'revoked' }), expect.objectContaining({ kid: successor, state: 'active' })]));
    expect(listed.signingKeys).toEqual([]);
  }, CLI_TEST_TIMEOUT_MS);

  it('keys rotate --signing reaches the running instance: the new key is in its JWKS', async () => {
    const rotated = await cli('keys', 'rotate', '--signing', '--alg', 'RS256', '--activate-in', '0', '--json');
    expect(rotated.code).toBe(0);
    const { key } = JSON.parse(rotated.stdout) as { key: { kid: string; alg: string; state: string } };
    expect(key).toMatchObject({ alg: 'RS256', state: 'active' });
    const jwks = await eventually('the JWKS to publish the new key', async () => {
      const body = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> };
      return body.keys.some((k) => k.kid === key.kid) ? body : undefined;
    });
    expect(jwks.keys).toEqual([{ kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: key.kid, alg: 'RS256', use: 'sig' }]);
    const signed = await t.app.get(JwtSigner).signJwt({ sub: 'erin', exp: Math.floor(Date.now() / 1000) + 60 }, { alg: 'RS256' });
    await expect(jwtVerify(signed, createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`)), { algorithms: ['RS256'] })).resolves.toBeDefined();
  }, CLI_TEST_TIMEOUT_MS);
});

describe('GET /.well-known/jwks.json', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  const jwksUrl = () => new URL(`${t.url}/.well-known/jwks.json`);
  /** A verifier that fetches the JWKS at most once in this test: cache and cool-down far longer than the test. */
  const cachingVerifier = () => {
    let fetches = 0;
    const jwks = createRemoteJWKSet(jwksUrl(), {
      cacheMaxAge: 3_600_000,
      cooldownDuration: 3_600_000,
      [customFetch]: (...args: Parameters<typeof fetch>) => {
        fetches += 1;
        return fetch(...args);
      },
    });
    return { jwks, fetches: () => fetches };
  };
  const sign = (claims: Record<string, unknown>) =>
    t.app.get(JwtSigner).signJwt({ iss: t.config.publicUrl, aud: 'orders-handlers', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60, ...claims }, { alg: 'ES256', typ: 'chatwarden-assertion+jwt' });
  const check = (jwt: string, jwks: ReturnType<typeof createRemoteJWKSet>) =>
    jwtVerify(jwt, jwks, { algorithms: ['ES256'], issuer: t.config.publicUrl, audience: 'orders-handlers', typ: 'chatwarden-assertion+jwt' });

  it('is public, short-cacheable JSON; empty and no_active_key in production until a signing key exists', async () => {
    const response = await fetch(jwksUrl());
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ keys: [] });
    await expect(sign({ sub: 'x' })).rejects.toMatchObject({ code: 'no_active_key' });
  });

  it('across a rotation, a verifier that cached the JWKS (new key pending) fails no verification and never refetches', async () => {
    const admin = t.app.get(SigningKeyAdmin);
    const first = await admin.rotate('ES256', 0);
    const before = await sign({ sub: 'alice' });
    expect(kidOf(before)).toBe(first.kid);

    const next = await admin.rotate('ES256', 5);
    expect(next.state).toBe('pending');
    // The instance publishes the pending key once it has reloaded the file (at once here: same process wrote it).
    await eventually('the pending key in the JWKS', async () => {
      const body = (await (await fetch(jwksUrl())).json()) as { keys: Array<{ kid: string }> };
      return body.keys.some((k) => k.kid === next.kid) ? true : undefined;
    });

    const verifier = cachingVerifier();
    expect((await check(before, verifier.jwks)).payload.sub).toBe('alice');
    expect(verifier.fetches()).toBe(1);

    const after = await eventually('the new key to sign', async () => {
      const jwt = await sign({ sub: 'bob' });
      return kidOf(jwt) === next.kid ? jwt : undefined;
    });
    expect((await check(after, verifier.jwks)).payload.sub).toBe('bob');
    expect((await check(before, verifier.jwks)).payload.sub).toBe('alice');
    expect(verifier.fetches()).toBe(1);

    // The retiring key stays published for fresh verifiers until it is pruned.
    const fresh = cachingVerifier();
    expect((await check(before, fresh.jwks)).payload.sub).toBe('alice');

    // Compromise: the revoked key leaves the JWKS, so a verifier that fetches now refuses what it signed.
    await admin.revoke(first.kid);
    await eventually('the revoked key to leave the JWKS', async () => {
      const body = (await (await fetch(jwksUrl())).json()) as { keys: Array<{ kid: string }> };
      return body.keys.some((k) => k.kid === first.kid) ? undefined : true;
    });
    await expect(check(before, cachingVerifier().jwks)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    expect((await check(await sign({ sub: 'carol' }), cachingVerifier().jwks)).payload.sub).toBe('carol');
  });
});
