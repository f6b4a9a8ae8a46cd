/**
 * What `/v1/verify/webhook` decides from the vendor's signed body and what it
 * remembers afterwards, end to end:
 * - conversation binding: `requireConversation` and `webhook.conversationField`
 *   (SPEC.md "Conversation binding"), also on `/v1/verify/token`;
 * - JSON bodies with a key twice are refused like forms with a field twice;
 * - a delivery id is kept after a refusal of the delivery, and released after
 *   a 5xx so the vendor's retry is checked again instead of `replayed`.
 */
import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { SessionService } from '../src/sessions/session.service.js';
import { StoreUnavailableError } from '../src/store/store.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const WHSEC = `whsec_${Buffer.alloc(32, 0x6d).toString('base64')}`;

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp((raw) => {
    const bots = raw.bots as Record<string, Record<string, unknown>>;
    // shop requires binding; other only reads the conversation from the body.
    bots.shop.requireConversation = true;
    bots.shop.webhook = { scheme: 'standard-webhooks', secrets: [WHSEC], conversationField: 'conversation.id' };
    bots.other.webhook = { scheme: 'standard-webhooks', secrets: [WHSEC], conversationField: 'conversation.id' };
  });
});
afterAll(() => t?.close());

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function issue(bot: string, conversationId?: string): Promise<string> {
  const response = await request(t.url)
    .post('/v1/tokens')
    .set(bearer(t.apiKeys.issue))
    .send({ bot, subject: 'alice', roles: ['customer'], ...(conversationId !== undefined && { conversationId }) });
  expect(response.status).toBe(201);
  return response.body.token;
}

/** `body` as the vendor signs and the handler forwards it. */
function signed(bot: string, body: string): Record<string, unknown> {
  const id = `msg_${randomUUID()}`;
  const at = new Date();
  return {
    bot,
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(WHSEC).sign(id, at, body) },
    body,
  };
}

const verifyWebhook = (forwarded: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  request(t.url).post('/v1/verify/webhook').set(bearer(t.apiKeys.verify)).send({ ...forwarded, ...extra });

describe('conversation binding', () => {
  it('requireConversation: /v1/verify/token refuses a verify without a conversation id, and a token bound to none', async () => {
    const bound = await issue('shop', 'c-1');
    const unbound = await issue('shop');
    const verify = (body: Record<string, unknown>) => request(t.url).post('/v1/verify/token').set(bearer(t.apiKeys.verify)).send({ bot: 'shop', ...body });
    expect((await verify({ token: bound, conversationId: 'c-1' })).body).toMatchObject({ valid: true, conversationId: 'c-1' });
    for (const body of [{ token: bound }, { token: bound, conversationId: '' }, { token: unbound, conversationId: 'c-1' }]) {
      const response = await verify(body);
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ valid: false, error: 'conversation_mismatch' });
    }
  });

  it('conversationField: the id in the signed body is compared with the token without the caller passing it', async () => {
    const token = await issue('other', 'c-1');
    const body = (conversation: string) => JSON.stringify({ user_token: token, conversation: { id: conversation } });
    expect((await verifyWebhook(signed('other', body('c-1')))).body).toMatchObject({ valid: true, token: { conversationId: 'c-1' } });
    const elsewhere = await verifyWebhook(signed('other', body('c-2')));
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body).toMatchObject({ valid: false, error: 'conversation_mismatch', stage: 'token' });
    // The caller cannot talk the check out of what the vendor signed.
    expect((await verifyWebhook(signed('other', body('c-1')), { conversationId: 'c-2' })).body.error).toBe('conversation_mismatch');
    // Numbered conversations compare as their digits.
    const numbered = await issue('other', '42');
    expect((await verifyWebhook(signed('other', JSON.stringify({ user_token: numbered, conversation: { id: 42 } })))).body.valid).toBe(true);
  });

  it('requireConversation with conversationField: a body without the id, or a token bound to none, is refused', async () => {
    const bound = await issue('shop', 'c-9');
    const unbound = await issue('shop');
    expect((await verifyWebhook(signed('shop', JSON.stringify({ user_token: bound, conversation: { id: 'c-9' } })))).body.valid).toBe(true);
    for (const body of [{ user_token: bound }, { user_token: unbound, conversation: { id: 'c-9' } }]) {
      const response = await verifyWebhook(signed('shop', JSON.stringify(body)));
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('conversation_mismatch');
    }
  });
});

describe('duplicate JSON keys', () => {
  it('refuses a JSON body with a key twice like a form with a field twice: 400 body_malformed with detail', async () => {
    const token = await issue('other');
    for (const body of [
      `{"user_token":"forged","user_token":${JSON.stringify(token)}}`,
      `{"user_token":${JSON.stringify(token)},"conversation":{"id":"c-1","id":"c-2"}}`,
      `{"user_token":${JSON.stringify(token)},"\\u0075ser_token":"forged"}`,
    ]) {
      const response = await verifyWebhook(signed('other', body));
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ valid: false, error: 'body_malformed', stage: 'token' });
      expect(response.body.detail).toMatch(/appears more than once/);
      expect(JSON.stringify(response.body)).not.toContain(token);
    }
    // The same keys in different objects are not duplicates.
    expect((await verifyWebhook(signed('other', JSON.stringify({ user_token: token, a: { id: 1 }, b: { id: 2 } })))).body.valid).toBe(true);
  });
});

describe('the delivery id after a refusal', () => {
  it('is kept when the delivery itself was refused: the same bytes are replayed', async () => {
    const forwarded = signed('other', JSON.stringify({ user_token: 'not-a-token' }));
    expect((await verifyWebhook(forwarded)).body.error).toBe('token_malformed');
    const again = await verifyWebhook(forwarded);
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('replayed');
  });

  it('is released after a 5xx, so the vendor retry is checked again', async () => {
    const forwarded = signed('other', JSON.stringify({ user_token: await issue('other') }));
    // The store goes away during the token check, after the signature (and its delivery id) passed.
    const touch = jest.spyOn(t.app.get(SessionService), 'touch').mockRejectedValueOnce(new StoreUnavailableError());
    try {
      const failed = await verifyWebhook(forwarded);
      expect(failed.status).toBe(503);
      expect(failed.body).toMatchObject({ valid: false, error: 'store_unavailable', stage: 'token' });
    } finally {
      touch.mockRestore();
    }
    const retry = await verifyWebhook(forwarded);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ valid: true, token: { subject: 'alice' } });
    // Accepted once: the retry's own id is kept.
    expect((await verifyWebhook(forwarded)).body.error).toBe('replayed');
  });
});
