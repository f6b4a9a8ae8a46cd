/**
 * The token API end to end on a real listening port: issue, verify with every
 * SPEC.md error code, refresh, logout, revoke, introspect, and bad input of
 * every kind — each a 4xx with its code, never a 500, never a stack trace.
 */
import { generateKeyPairSync } from 'node:crypto';
import { CompactEncrypt, SignJWT, UnsecuredJWT } from 'jose';
import request from 'supertest';
import { forgeDirJwe, readTokenKey, tamper } from './support/jwe-forge.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function issue(body: Record<string, unknown> = {}) {
  const response = await request(t.url)
    .post('/v1/tokens')
    .set(bearer(t.apiKeys.issue))
    .send({ bot: 'shop', subject: 'alice', roles: ['customer'], ...body });
  expect(response.status).toBe(201);
  return response.body as { token: string; expiresAt: string; sessionId: string };
}

/** A verify for bot `shop` unless the body says otherwise (`bot: undefined` sends none). */
function verify(body: Record<string, unknown>, key = t.apiKeys.verify) {
  return request(t.url).post('/v1/verify/token').set(bearer(key)).send({ bot: 'shop', ...body });
}

async function expectRefused(body: Record<string, unknown>, status: number, code: string | string[]) {
  const response = await verify(body);
  expect(response.status).toBe(status);
  if (Array.isArray(code)) expect(code).toContain(response.body.error);
  else expect(response.body.error).toBe(code);
  expect(response.body.valid).toBe(false);
  expect(typeof response.body.message).toBe('string');
  expect(JSON.stringify(response.body)).not.toMatch(/\bat .+:\d+:\d+|stack/i);
  return response;
}

/** Claims of a live session, for forging tokens that differ in one respect only. */
async function liveClaims(overrides: Record<string, unknown> = {}) {
  const issued = await issue();
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: 'chatwarden', aud: 'shop', sub: 'alice', sid: issued.sessionId, jti: 'forged-1',
    iat: now, nbf: now, exp: now + 600, perms: ['orders:read'], amr: 'trusted', ...overrides,
  };
}

describe('issue and verify', () => {
  it('issues a token under 400 characters with four permissions and verifies it', async () => {
    const issued = await issue({ roles: ['support'] });
    expect(issued.token.split('.')).toHaveLength(5);
    // The four permissions of the `support` role; each character of subject or permissions adds about 4/3.
    expect(issued.token.length).toBeLessThan(400);
    const response = await verify({ token: issued.token, bot: 'shop', action: 'orders.refund' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      valid: true,
      subject: 'alice',
      bot: 'shop',
      sessionId: issued.sessionId,
      permissions: ['account:read', 'account:write', 'orders:read', 'orders:refund'],
      authMethod: 'trusted',
      expiresAt: issued.expiresAt,
    });
  });

  it('the token header is dir/A256GCM with a kid of the keys dir', async () => {
    const issued = await issue();
    const header = JSON.parse(Buffer.from(issued.token.split('.')[0], 'base64url').toString());
    expect(header).toEqual({ alg: 'dir', enc: 'A256GCM', kid: readTokenKey(t.keysDir).kid });
  });

  it('checks permissions from `permissions` and from the bot `actions` map', async () => {
    const { token } = await issue();
    expect((await verify({ token, permissions: ['orders:read'] })).status).toBe(200);
    await expectRefused({ token, permissions: ['account:write'] }, 403, 'permission_denied');
    await expectRefused({ token, action: 'orders.refund' }, 403, 'permission_denied');
    await expectRefused({ token, action: 'no.such.action' }, 400, 'unknown_action');
  });

  it('refuses a token of another bot', async () => {
    const { token } = await issue();
    await expectRefused({ token, bot: 'other' }, 401, 'wrong_bot');
  });

  it('binds a token to its conversation', async () => {
    const { token } = await issue({ conversationId: 'conv-1' });
    expect((await verify({ token, conversationId: 'conv-1' })).body.conversationId).toBe('conv-1');
    await expectRefused({ token, conversationId: 'conv-2' }, 401, 'conversation_mismatch');
  });

  it('refuses unknown roles and bots when issuing', async () => {
    const role = await request(t.url).post('/v1/tokens').set(bearer(t.apiKeys.issue)).send({ bot: 'shop', subject: 'a', roles: ['admin'] });
    expect([role.status, role.body.error]).toEqual([400, 'unknown_role']);
    const bot = await request(t.url).post('/v1/tokens').set(bearer(t.apiKeys.issue)).send({ bot: 'nope', subject: 'a' });
    expect([bot.status, bot.body.error]).toEqual([400, 'unknown_bot']);
  });
});

describe('tokens that are not ours', () => {
  it('missing and empty tokens are token_missing', async () => {
    await expectRefused({}, 401, 'token_missing');
    await expectRefused({ token: '' }, 401, 'token_missing');
    await expectRefused({ token: '   ' }, 401, 'token_missing');
  });

  it('garbage, JWS and alg:none JWTs are token_malformed', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jws = await new SignJWT({ sub: 'alice', aud: 'shop' }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    const none = new UnsecuredJWT({ sub: 'alice', aud: 'shop', perms: ['orders:read'] }).encode();
    for (const token of ['garbage', 'a.b.c.d.e.f', '....', jws, none, '%%%.%%%.%%%.%%%.%%%', 'x'.repeat(5000)]) {
      await expectRefused({ token }, 401, 'token_malformed');
    }
  });

  it('JWEs with other algorithms are token_invalid', async () => {
    const payload = new TextEncoder().encode(JSON.stringify(await liveClaims()));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const tokens = [
      await new CompactEncrypt(payload).setProtectedHeader({ alg: 'A128KW', enc: 'A256GCM' }).encrypt(new Uint8Array(16)),
      await new CompactEncrypt(payload).setProtectedHeader({ alg: 'PBES2-HS256+A128KW', enc: 'A256GCM' }).encrypt(new TextEncoder().encode('password')),
      await new CompactEncrypt(payload).setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' }).encrypt(ec.publicKey),
      await new CompactEncrypt(payload).setProtectedHeader({ alg: 'RSA-OAEP', enc: 'A256GCM' }).encrypt(rsa.publicKey),
      await new CompactEncrypt(payload).setProtectedHeader({ alg: 'dir', enc: 'A128GCM' }).encrypt(new Uint8Array(16)),
      // RSA1_5 is gone from jose; the header alone must be refused before any key is used.
      forgeDirJwe({ alg: 'RSA1_5', enc: 'A256GCM', kid: readTokenKey(t.keysDir).kid }, await liveClaims(), readTokenKey(t.keysDir).key),
    ];
    for (const token of tokens) await expectRefused({ token }, 401, 'token_invalid');
  });

  it('compressed, crit, unknown-kid and path-like-kid tokens are refused even when correctly encrypted', async () => {
    const { kid, key } = readTokenKey(t.keysDir);
    const claims = await liveClaims();
    const control = forgeDirJwe({ alg: 'dir', enc: 'A256GCM', kid }, claims, key);
    expect((await verify({ token: control })).status).toBe(200);
    for (const header of [
      { alg: 'dir', enc: 'A256GCM', kid, zip: 'DEF' },
      { alg: 'dir', enc: 'A256GCM', kid, crit: ['exp'], exp: 1 },
      { alg: 'dir', enc: 'A256GCM', kid: 'unknown1' },
      { alg: 'dir', enc: 'A256GCM', kid: '../../etc/passwd' },
      { alg: 'dir', enc: 'A256GCM' },
    ]) {
      await expectRefused({ token: forgeDirJwe(header, claims, key) }, 401, 'token_invalid');
    }
  });

  it('tampered header, IV, ciphertext or tag is refused', async () => {
    const { token } = await issue();
    await expectRefused({ token: tamper(token, 0) }, 401, ['token_malformed', 'token_invalid']);
    for (const segment of [2, 3, 4]) await expectRefused({ token: tamper(token, segment) }, 401, 'token_invalid');
    await expectRefused({ token: token.split('.').map((s, i) => (i === 1 ? 'AAAA' : s)).join('.') }, 401, 'token_invalid');
  });

  it('expired and not-yet-valid tokens are refused', async () => {
    const { kid, key } = readTokenKey(t.keysDir);
    const now = Math.floor(Date.now() / 1000);
    await expectRefused({ token: forgeDirJwe({ alg: 'dir', enc: 'A256GCM', kid }, await liveClaims({ iat: now - 1000, nbf: now - 1000, exp: now - 10 }), key) }, 401, 'token_expired');
    await expectRefused({ token: forgeDirJwe({ alg: 'dir', enc: 'A256GCM', kid }, await liveClaims({ nbf: now + 600 }), key) }, 401, 'token_invalid');
  });

  it('claims of the wrong shape or issuer are token_invalid', async () => {
    const { kid, key } = readTokenKey(t.keysDir);
    for (const overrides of [{ iss: 'https://evil.example' }, { perms: 'orders:read' }, { amr: 'magic' }, { exp: '9999999999' }, { aud: 'deleted-bot' }]) {
      await expectRefused({ token: forgeDirJwe({ alg: 'dir', enc: 'A256GCM', kid }, await liveClaims(overrides), key) }, 401, 'token_invalid');
    }
  });
});

describe('sessions', () => {
  it('revoking a session rejects its token on the next request', async () => {
    const { token, sessionId } = await issue();
    expect((await verify({ token })).status).toBe(200);
    const revoke = await request(t.url).post('/v1/sessions/revoke').set(bearer(t.apiKeys.revoke)).send({ sessionId });
    expect(revoke.body).toEqual({ revoked: 1, sessionIds: [sessionId] });
    await expectRefused({ token }, 401, 'session_revoked');
  });

  it('revokes every session of a subject, optionally for one bot', async () => {
    const a = await issue({ subject: 'bob' });
    const b = await issue({ subject: 'bob' });
    const c = await issue({ subject: 'bob', bot: 'other', roles: [] });
    const revoke = await request(t.url).post('/v1/sessions/revoke').set(bearer(t.apiKeys.revoke)).send({ subject: 'bob', bot: 'shop' });
    expect(revoke.body.revoked).toBe(2);
    await expectRefused({ token: a.token }, 401, 'session_revoked');
    await expectRefused({ token: b.token }, 401, 'session_revoked');
    expect((await verify({ token: c.token, bot: 'other' })).status).toBe(200);
  });

  it('refresh gives a new token for the same session; logout ends it', async () => {
    const issued = await issue();
    const refreshed = await request(t.url).post('/v1/tokens/refresh').send({ token: issued.token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.sessionId).toBe(issued.sessionId);
    expect(refreshed.body.token).not.toBe(issued.token);
    const logout = await request(t.url).post('/logout').send({ token: refreshed.body.token });
    expect(logout.body).toEqual({ loggedOut: true });
    await expectRefused({ token: issued.token }, 401, 'session_revoked');
    const again = await request(t.url).post('/v1/tokens/refresh').send({ token: refreshed.body.token });
    expect([again.status, again.body.error]).toEqual([401, 'session_revoked']);
  });

  it('revoke needs exactly one of sessionId and subject', async () => {
    const response = await request(t.url).post('/v1/sessions/revoke').set(bearer(t.apiKeys.revoke)).send({});
    expect([response.status, response.body.error]).toEqual([400, 'invalid_request']);
  });
});

describe('API keys', () => {
  it('no key, a wrong key and a key without the scope are refused', async () => {
    const { token } = await issue();
    const none = await request(t.url).post('/v1/verify/token').send({ token });
    expect([none.status, none.body.error]).toEqual([401, 'api_key_missing']);
    const wrong = await verify({ token }, t.apiKeys.verify.slice(0, -4) + 'AAAA');
    expect([wrong.status, wrong.body.error]).toEqual([401, 'api_key_invalid']);
    const scope = await verify({ token }, t.apiKeys.issue);
    expect([scope.status, scope.body.error]).toEqual([403, 'scope_missing']);
    const issueWithVerifyKey = await request(t.url).post('/v1/tokens').set(bearer(t.apiKeys.verify)).send({ bot: 'shop', subject: 'x' });
    expect([issueWithVerifyKey.status, issueWithVerifyKey.body.error]).toEqual([403, 'scope_missing']);
    const revokeWithVerifyKey = await request(t.url).post('/v1/sessions/revoke').set(bearer(t.apiKeys.verify)).send({ sessionId: 'x' });
    expect(revokeWithVerifyKey.status).toBe(403);
  });
});

describe('bad input', () => {
  it('malformed JSON, wrong types and unknown fields are 400', async () => {
    const json = await request(t.url).post('/v1/verify/token').set(bearer(t.apiKeys.verify)).set('content-type', 'application/json').send('{"token":');
    expect([json.status, json.body.error, json.body.valid]).toEqual([400, 'invalid_request', false]);
    const types = await verify({ token: 123 });
    expect([types.status, types.body.error]).toEqual([400, 'invalid_request']);
    const extra = await verify({ token: 'x', admin: true });
    expect([extra.status, extra.body.error]).toEqual([400, 'invalid_request']);
    const perms = await verify({ token: 'x', permissions: 'orders:read' });
    expect(perms.status).toBe(400);
  });

  it('oversized bodies are 413 and other media types 415', async () => {
    const big = await verify({ token: 'x'.repeat(600 * 1024) });
    expect([big.status, big.body.error]).toEqual([413, 'payload_too_large']);
    const xml = await request(t.url).post('/v1/verify/token').set(bearer(t.apiKeys.verify)).set('content-type', 'application/xml').send('<token/>');
    expect([xml.status, xml.body.error]).toEqual([415, 'unsupported_media_type']);
  });

  it('unknown routes are a JSON 404 with a request id', async () => {
    const response = await request(t.url).get('/nope');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: 'not_found' });
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
  });
});

describe('introspection (RFC 7662)', () => {
  it('answers active with claims for a valid token and only {active:false} otherwise', async () => {
    const { token } = await issue();
    const active = await request(t.url).post('/oauth/introspect').set(bearer(t.apiKeys.verify)).type('form').send({ token, bot: 'shop' });
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({ active: true, sub: 'alice', aud: 'shop', scope: 'account:read orders:read' });
    for (const bad of ['garbage', '', tamper(token, 3)]) {
      const inactive = await request(t.url).post('/oauth/introspect').set(bearer(t.apiKeys.verify)).type('form').send({ token: bad, bot: 'shop' });
      expect(inactive.body).toEqual({ active: false });
    }
    const noKey = await request(t.url).post('/oauth/introspect').type('form').send({ token });
    expect(noKey.status).toBe(401);
  });
});

describe('operations', () => {
  it('health and docs answer', async () => {
    expect((await request(t.url).get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await request(t.url).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info).toMatchObject({ store: { status: 'up' }, keys: { status: 'up' } });
    const docs = await request(t.url).get('/docs/openapi.json');
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/v1/verify/token', '/v1/tokens', '/oauth/introspect', '/v1/sessions/revoke']));
  });
});
