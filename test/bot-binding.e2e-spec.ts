/**
 * API clients bound to bots (SPEC.md "API clients bound to bots") on every
 * route that acts for a bot: the verify routes need `bot` unless the key is
 * bound to exactly one, a bot outside the key's list is 403 `bot_not_allowed`,
 * and a bot the config does not have is `unknown_bot`, never `wrong_bot`.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { ApiClientService } from '../src/clients/api-client.service.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const WHSEC = `whsec_${Buffer.alloc(32, 0x3c).toString('base64')}`;

let t: TestApp;
/** Keys bound to bots: `shop` only, `other` only, both. */
const bound = { shop: '', other: '', both: '' };

beforeAll(async () => {
  t = await startTestApp((raw) => {
    const bots = raw.bots as Record<string, Record<string, unknown>>;
    bots.shop.webhook = { scheme: 'standard-webhooks', secrets: [WHSEC] };
    bots.other.webhook = { scheme: 'standard-webhooks', secrets: [WHSEC] };
  });
  const clients = t.app.get(ApiClientService);
  const all = ['verify', 'issue', 'revoke'];
  bound.shop = (await clients.add('shop-handler', all, ['shop'])).key;
  bound.other = (await clients.add('other-handler', all, ['other'])).key;
  bound.both = (await clients.add('both-handler', all, ['shop', 'other'])).key;
});
afterAll(() => t?.close());

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function issue(bot: string, subject = 'alice'): Promise<{ token: string; sessionId: string }> {
  const response = await request(t.url).post('/v1/tokens').set(bearer(t.apiKeys.issue)).send({ bot, subject, roles: ['customer'] });
  expect(response.status).toBe(201);
  return response.body;
}

const verifyToken = (key: string, body: Record<string, unknown>) => request(t.url).post('/v1/verify/token').set(bearer(key)).send(body);

/** A webhook for `bot` signed as its vendor would, carrying `token` as user_token. */
function webhook(token: string, bot?: string): Record<string, unknown> {
  const body = JSON.stringify({ user_token: token });
  const id = `msg_${randomUUID()}`;
  const at = new Date();
  return {
    ...(bot !== undefined && { bot }),
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(WHSEC).sign(id, at, body) },
    body,
  };
}

describe('POST /v1/verify/token', () => {
  it('needs bot from a key that is not bound to exactly one bot: 400 invalid_request', async () => {
    const { token } = await issue('other');
    for (const key of [t.apiKeys.verify, bound.both]) {
      const response = await verifyToken(key, { token });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ valid: false, error: 'invalid_request' });
    }
  });

  it('implies the only bot of a key bound to one', async () => {
    const shop = await issue('shop');
    const other = await issue('other');
    expect((await verifyToken(bound.shop, { token: shop.token })).body).toMatchObject({ valid: true, bot: 'shop' });
    expect((await verifyToken(bound.shop, { token: other.token })).body).toMatchObject({ valid: false, error: 'wrong_bot' });
  });

  it('refuses a bot outside the key list with 403 bot_not_allowed, configured or not', async () => {
    const other = await issue('other');
    for (const bot of ['other', 'hr', 'toString']) {
      const response = await verifyToken(bound.shop, { token: other.token, bot });
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ valid: false, error: 'bot_not_allowed' });
    }
    expect((await verifyToken(bound.both, { token: other.token, bot: 'other' })).body).toMatchObject({ valid: true, bot: 'other' });
  });

  it('answers unknown_bot, not wrong_bot, for a bot the config does not have', async () => {
    const { token } = await issue('shop');
    for (const bot of ['hr', 'toString', '__proto__']) {
      const response = await verifyToken(t.apiKeys.verify, { token, bot });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ valid: false, error: 'unknown_bot' });
    }
  });
});

describe('POST /v1/verify/signature', () => {
  it('enforces the binding before checking or recording anything', async () => {
    const { token } = await issue('other');
    const forwarded = webhook(token, 'other');
    const refused = await request(t.url).post('/v1/verify/signature').set(bearer(bound.shop)).send(forwarded);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ valid: false, error: 'bot_not_allowed' });
    // The refused call recorded no delivery id: the allowed key still gets the delivery through once.
    expect((await request(t.url).post('/v1/verify/signature').set(bearer(bound.other)).send(forwarded)).body).toMatchObject({ valid: true });
  });
});

describe('POST /v1/verify/webhook', () => {
  it('needs bot unless the key has one, and refuses a bot outside its list', async () => {
    const { token } = await issue('shop');
    const missing = await request(t.url).post('/v1/verify/webhook').set(bearer(t.apiKeys.verify)).send(webhook(token));
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ valid: false, error: 'invalid_request' });

    const implied = await request(t.url).post('/v1/verify/webhook').set(bearer(bound.shop)).send(webhook(token));
    expect(implied.status).toBe(200);
    expect(implied.body).toMatchObject({ valid: true, token: { bot: 'shop', subject: 'alice' } });

    const outside = await request(t.url).post('/v1/verify/webhook').set(bearer(bound.other)).send(webhook(token, 'shop'));
    expect(outside.status).toBe(403);
    expect(outside.body).toMatchObject({ valid: false, error: 'bot_not_allowed' });
  });
});

describe('POST /oauth/introspect', () => {
  const introspect = (key: string, form: Record<string, string>) => request(t.url).post('/oauth/introspect').set(bearer(key)).type('form').send(form);

  it('needs bot unless the key has one; another bot is inactive, an unknown one an error', async () => {
    const { token } = await issue('shop');
    const missing = await introspect(t.apiKeys.verify, { token });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
    expect((await introspect(t.apiKeys.verify, { token, bot: 'other' })).body).toEqual({ active: false });
    expect((await introspect(bound.shop, { token })).body).toMatchObject({ active: true, aud: 'shop' });
    expect((await introspect(bound.other, { token })).body).toEqual({ active: false });
    expect((await introspect(bound.other, { token, bot: 'shop' })).status).toBe(403);
    const unknown = await introspect(t.apiKeys.verify, { token, bot: 'hr' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('unknown_bot');
  });
});

describe('POST /v1/tokens', () => {
  it('mints only for configured bots the key allows', async () => {
    const mint = (key: string, bot: string) => request(t.url).post('/v1/tokens').set(bearer(key)).send({ bot, subject: 'alice' });
    expect((await mint(bound.shop, 'shop')).status).toBe(201);
    const outside = await mint(bound.shop, 'other');
    expect(outside.status).toBe(403);
    expect(outside.body.error).toBe('bot_not_allowed');
    for (const bot of ['hr', 'toString', '__proto__']) {
      const unknown = await mint(t.apiKeys.issue, bot);
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toBe('unknown_bot');
    }
  });
});

describe('POST /v1/sessions/revoke', () => {
  const revoke = (key: string, body: Record<string, unknown>) => request(t.url).post('/v1/sessions/revoke').set(bearer(key)).send(body);

  it('ends only sessions of the key bots', async () => {
    const shop = await issue('shop', 'rita');
    const other = await issue('other', 'rita');
    const bySubject = await revoke(bound.other, { subject: 'rita', bot: 'shop' });
    expect(bySubject.status).toBe(403);
    expect(bySubject.body.error).toBe('bot_not_allowed');
    const bySession = await revoke(bound.other, { sessionId: shop.sessionId });
    expect(bySession.status).toBe(403);
    expect(bySession.body.error).toBe('bot_not_allowed');
    expect((await verifyToken(t.apiKeys.verify, { token: shop.token, bot: 'shop' })).body.valid).toBe(true);

    // A key with one bot revokes that bot's sessions of the subject, and nothing else.
    expect((await revoke(bound.other, { subject: 'rita' })).body).toEqual({ revoked: 1, sessionIds: [other.sessionId] });
    expect((await verifyToken(t.apiKeys.verify, { token: shop.token, bot: 'shop' })).body.valid).toBe(true);
    // A key with several bots names one.
    expect((await revoke(bound.both, { subject: 'rita' })).body.error).toBe('invalid_request');
  });

  it('refuses a bot the config does not have', async () => {
    const response = await revoke(t.apiKeys.revoke, { subject: 'rita', bot: 'hr' });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('unknown_bot');
  });
});
