/**
 * Vendor identity proofs end to end: every token answer (POST /v1/tokens,
 * POST /v1/tokens/refresh, the login success page) carries the proofs the bot
 * configures, checked here with jose and node:crypto against the vendors'
 * documented claims; profile attributes pass only when `profile` names them;
 * a subject a vendor cannot take, or a proof the bot does not configure, is
 * refused before any session exists.
 */
import { createHmac } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import { KeysDir } from '../src/keys/keys-dir.js';
import { cliUsers, formToken, loginConfig, resultData } from './login-support.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { SigningKeyAdmin } from '../src/keys/signing-key-admin.service.js';
import { SigningKeyRing } from '../src/keys/signing-key-ring.service.js';

const SECRETS = { ZENDESK: 'zd-messaging-secret-e2e', ZENDESK_NEXT: 'zd-next-secret-e2e', INTERCOM: 'intercom-secret-e2e', CHATBASE: 'chatbase-secret-e2e' };
const SHOP = 'https://shop.example.com';
const PASSWORD = 'correct horse battery';
const key = (secret: string) => new TextEncoder().encode(secret);

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(
    (config) => {
      loginConfig(config);
      const bots = config.bots as Record<string, Record<string, unknown>>;
      bots.shop.identity = {
        zendesk: { keys: [{ keyId: 'app_new', secret: { env: 'ZD' } }, { keyId: 'app_prev', secret: { env: 'ZD_NEXT' } }] },
        intercom: { secret: { env: 'IC' } },
        chatbase: { secret: { env: 'CB' } },
      };
      bots.shop.profile = { email: 'email', name: 'name' };
      bots.other.identity = { intercom: { secret: { env: 'IC' }, userHash: true } };
      bots.sf = { origins: ['https://sf.example.com'], identity: { salesforce: { audience: 'https://acme.my.salesforce-scrt.com' } } };
    },
    { ZD: SECRETS.ZENDESK, ZD_NEXT: SECRETS.ZENDESK_NEXT, IC: SECRETS.INTERCOM, CB: SECRETS.CHATBASE },
  );
  // The Salesforce proof is signed with the service's own RS256 signing key (production makes none until `keys rotate --signing`).
  await t.app.get(SigningKeyAdmin).rotate('RS256');
  await t.app.get(SigningKeyRing).reloadIfChanged();
  await cliUsers(t.config).add('jo', ['customer'], PASSWORD);
  // Profile attributes as the users file holds them (and a field no profile names).
  await new KeysDir(t.config.keysDir).update<{ users: Array<Record<string, unknown>> }>('users.json', { users: [] }, (file) => ({
    users: file.users.map((u) => (u.username === 'jo' ? { ...u, attributes: { email: 'jo@example.com', name: 'Jo Doe', phone: '+1555' } } : u)),
  }));
});
afterAll(() => t.close());

const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });
const issue = (body: Record<string, unknown>) => request(t.url).post('/v1/tokens').set(bearer(t.apiKeys.all)).send(body);
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

type Answer = { token: string; expiresAt: string; identity: Record<string, unknown> };

async function expectShopProofs(answer: Answer, subject: string, profile: Record<string, string>) {
  const exp = epoch(answer.expiresAt);
  const zendesk = answer.identity.zendesk as string;
  expect(decodeProtectedHeader(zendesk)).toMatchObject({ alg: 'HS256', kid: 'app_new' });
  expect((await jwtVerify(zendesk, key(SECRETS.ZENDESK), { algorithms: ['HS256'] })).payload).toEqual({ external_id: subject, scope: 'user', exp, ...profile });
  expect((await jwtVerify(answer.identity.intercom as string, key(SECRETS.INTERCOM), { algorithms: ['HS256'] })).payload).toEqual({ user_id: subject, exp, ...profile });
  expect(answer.identity.chatbase).toEqual({ userId: subject, userHash: createHmac('sha256', SECRETS.CHATBASE).update(subject).digest('hex') });
}

it('POST /v1/tokens answers with every configured proof, expiring with the token, profile fields only as named', async () => {
  const response = await issue({ bot: 'shop', subject: 'customer-1042', roles: ['customer'], attributes: { email: 'c@example.com', name: 'C. Ustomer', phone: '+1555' } });
  expect(response.status).toBe(201);
  expect(Object.keys(response.body.identity).sort()).toEqual(['chatbase', 'intercom', 'zendesk']);
  await expectShopProofs(response.body, 'customer-1042', { email: 'c@example.com', name: 'C. Ustomer' });
  expect(JSON.stringify(response.body)).not.toContain('+1555');
});

it('a bot whose profile names nothing passes no attribute; Intercom userHash gives the legacy hash', async () => {
  const response = await issue({ bot: 'other', subject: 'u-9', attributes: { email: 'u9@example.com' } });
  expect(response.status).toBe(201);
  expect(response.body.identity).toEqual({ intercom: { userId: 'u-9', userHash: createHmac('sha256', SECRETS.INTERCOM).update('u-9').digest('hex') } });
});

it('a proof requested for a vendor the bot does not configure is refused, naming what it configures', async () => {
  const refused = await issue({ bot: 'other', subject: 'u-9', identity: ['zendesk'] });
  expect(refused.status).toBe(400);
  expect(refused.body).toMatchObject({ error: 'identity_not_configured', detail: 'bot other has no identity.zendesk block; it configures: intercom' });
  expect((await issue({ bot: 'other', subject: 'u-9', identity: ['intercom'] })).status).toBe(201);
});

it('refresh re-mints the proofs for the new token and the profile kept in the session', async () => {
  const first = await issue({ bot: 'shop', subject: 'refresher', attributes: { email: 'r@example.com' } });
  // Wait for the next second so the refreshed token's exp differs.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const refreshed = await request(t.url).post('/v1/tokens/refresh').send({ token: first.body.token });
  expect(refreshed.status).toBe(200);
  expect(refreshed.body.identity.zendesk).not.toBe(first.body.identity.zendesk);
  await expectShopProofs(refreshed.body, 'refresher', { email: 'r@example.com' });
});

it('a subject longer than Zendesk external_id allows is refused with a clear detail, and no session is left', async () => {
  const subject = 's'.repeat(256);
  const response = await issue({ bot: 'shop', subject });
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ error: 'identity_subject_invalid' });
  expect(response.body.detail).toMatch(/identity\.zendesk: .*external_id limit \(255\)/);
  const revoked = await request(t.url).post('/v1/sessions/revoke').set(bearer(t.apiKeys.all)).send({ subject });
  expect(revoked.body.revoked).toBe(0);
});

it('the password login success page hands the proofs to the host with the users file attributes the profile names', async () => {
  const page = await request(t.url).get('/login').query({ bot: 'shop', origin: SHOP, mode: 'popup' }).set('x-forwarded-for', '10.9.0.1');
  const done = await request(t.url)
    .post('/login')
    .set('x-forwarded-for', '10.9.0.1')
    .type('form')
    .send({ formToken: formToken(page.text), username: 'jo', password: PASSWORD });
  expect(done.status).toBe(200);
  const result = resultData(done.text) as unknown as Answer;
  await expectShopProofs(result, 'jo', { email: 'jo@example.com', name: 'Jo Doe' });
  expect(done.text).not.toContain('+1555');
});

it('Salesforce: an RS256 proof with kid, iss, sub, aud, iat and exp, verifiable with the signing key set public key', async () => {
  const response = await issue({ bot: 'sf', subject: 'sf-user' });
  expect(response.status).toBe(201);
  const proof = response.body.identity.salesforce as string;
  // Checked with jose against the JWKS the service publishes over HTTP, as Salesforce would.
  const { payload, protectedHeader } = await jwtVerify(proof, createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`)), {
    algorithms: ['RS256'],
    issuer: t.config.publicUrl,
    audience: 'https://acme.my.salesforce-scrt.com',
    subject: 'sf-user',
  });
  expect(typeof protectedHeader.kid).toBe('string');
  expect(payload.exp).toBe(epoch(response.body.expiresAt));
  expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'sub']);
});
