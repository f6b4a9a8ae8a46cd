/**
 * `POST /v1/verify/webhook` end to end on a real listening port, for the
 * three vendors whose webhooks carry a user token (VENDORS.md): Inbenta
 * (form-encoded action parameters), ChatBot.com (`attributes`) and ConvoKraft
 * (`params`, DSA-signed). A success gives both verdicts; each failing step
 * keeps its status, names the step and, with `reply`, carries the body to
 * send back in that vendor's format. One audit line per decision, with ids
 * only.
 */
import { generateKeyPairSync, sign as signBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { AuditLog } from '../src/observability/audit-log.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SECRET = 'e2e-webhook-secret-91d2';
const origins = ['https://shop.example.com'];
const actions = { 'orders.lookup': ['orders:read'], 'orders.refund': ['orders:refund'] };
const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });

let t: TestApp;
let audit: jest.SpiedFunction<AuditLog['record']>;

beforeAll(async () => {
  t = await startTestApp((raw) => {
    Object.assign(raw.bots as Record<string, unknown>, {
      inbenta: { origins, actions, webhook: { scheme: 'inbenta', tokenHeader: 'x-inbenta-webhook-key', secrets: [SECRET] } },
      chatbotcom: { origins, actions, webhook: { scheme: 'chatbotcom', headers: { 'x-chatbot-key': SECRET }, token: 'cb-verify', tokenField: 'attributes.user_token' } },
      convokraft: {
        origins,
        actions,
        webhook: { scheme: 'convokraft', publicKey: dsa.publicKey.export({ format: 'pem', type: 'spki' }).toString(), tokenField: 'params.user_token' },
      },
    });
  });
  audit = jest.spyOn(t.app.get(AuditLog), 'record');
});

afterAll(() => t?.close());

beforeEach(() => audit.mockClear());

async function issue(bot: string, extra: Record<string, unknown> = {}): Promise<{ token: string; sessionId: string }> {
  const response = await request(t.url)
    .post('/v1/tokens')
    .set('authorization', `Bearer ${t.apiKeys.issue}`)
    .send({ bot, subject: 'alice', roles: ['customer'], ...extra });
  expect(response.status).toBe(201);
  return response.body;
}

function verifyWebhook(payload: Record<string, unknown>) {
  return request(t.url).post('/v1/verify/webhook').set('authorization', `Bearer ${t.apiKeys.verify}`).send(payload);
}

/** The vendors' webhook calls, as the handler receives and forwards them. */
const CALLS = {
  inbenta: (token?: string, secret = SECRET) => ({
    bot: 'inbenta',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-inbenta-webhook-key': secret },
    body: new URLSearchParams({ ...(token !== undefined && { user_token: token }), order_number: '1002', sessionId: 's-77' }).toString(),
  }),
  chatbotcom: (token?: string, secret = SECRET) => ({
    bot: 'chatbotcom',
    headers: { 'content-type': 'application/json', 'x-chatbot-key': secret },
    body: JSON.stringify({
      chatId: 'c-1',
      messageId: 'm-1',
      userId: 'u-1',
      externalId: 'e-1',
      node: { id: 'n-1' },
      userAttributes: {},
      attributes: { ...(token !== undefined && { user_token: token }), order: '1002' },
    }),
  }),
  convokraft: (token?: string, secret?: string) => {
    const body = JSON.stringify({ todo: 'execute', bot: { name: 'shop' }, action: { name: 'orders' }, params: { ...(token !== undefined && { user_token: token }) }, user: {} });
    const signed = signBytes('sha256', Buffer.from(secret === undefined ? body : `${body} `), dsa.privateKey).toString('base64');
    return { bot: 'convokraft', headers: { 'content-type': 'application/json', 'x-convokraft-signature': signed }, body };
  },
} as const;

type Vendor = keyof typeof CALLS;
const VENDORS = Object.keys(CALLS) as Vendor[];

/** What each vendor needs back to show `message` in the chat. */
function expectedReply(vendor: Vendor, code: string, message: string): Record<string, unknown> {
  if (vendor === 'inbenta') return { status: 'error', chatbot_response: message };
  if (vendor === 'chatbotcom') return { responses: [{ type: 'text', message }], attributes: { chatwarden_error: code } };
  return { status: 'execution', message };
}

function auditLines() {
  return audit.mock.calls.filter(([event]) => event === 'webhook.verify');
}

describe.each(VENDORS)('%s', (vendor) => {
  it('signature, token and permissions pass: both verdicts, one audit line with ids only', async () => {
    const { token, sessionId } = await issue(vendor);
    const response = await verifyWebhook({ ...CALLS[vendor](token), action: 'orders.lookup', reply: vendor });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      valid: true,
      signature: { valid: true, scheme: vendor, secretId: vendor === 'convokraft' ? 'public-key' : vendor === 'chatbotcom' ? 'headers' : 'config-0' },
      token: {
        valid: true,
        subject: 'alice',
        bot: vendor,
        sessionId,
        permissions: ['account:read', 'orders:read'],
        authMethod: 'trusted',
        expiresAt: expect.any(String),
      },
    });
    expect(auditLines()).toEqual([
      ['webhook.verify', expect.objectContaining({ bot: vendor, scheme: vendor, stage: 'token', outcome: 'ok', subject: 'alice', sessionId, action: 'orders.lookup' })],
    ]);
    const logged = JSON.stringify(auditLines());
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(SECRET);
  });

  it('a bad signature stops before the token is read: 401, stage signature, vendorReply', async () => {
    const { token } = await issue(vendor);
    const response = await verifyWebhook({ ...CALLS[vendor](token, 'not-the-secret'), action: 'orders.lookup', reply: vendor });
    expect(response.status).toBe(401);
    const message = response.body.message as string;
    expect(response.body).toMatchObject({
      valid: false,
      error: 'signature_invalid',
      stage: 'signature',
      signature: { valid: false, error: 'signature_invalid', message },
      token: null,
      vendorReply: expectedReply(vendor, 'signature_invalid', message),
    });
    expect(auditLines()).toEqual([['webhook.verify', expect.objectContaining({ bot: vendor, stage: 'signature', outcome: 'signature_invalid' })]]);
    expect(JSON.stringify(response.body)).not.toContain(SECRET);
  });

  it('no token in the body: 401 token_missing at the token step, with the log-in message', async () => {
    const response = await verifyWebhook({ ...CALLS[vendor](), action: 'orders.lookup', reply: vendor });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({
      error: 'token_missing',
      message: 'Please log in to continue.',
      stage: 'token',
      signature: { valid: true, scheme: vendor },
      token: { valid: false, error: 'token_missing' },
      vendorReply: expectedReply(vendor, 'token_missing', 'Please log in to continue.'),
    });
  });

  it('a garbled token: 401 token_malformed', async () => {
    const response = await verifyWebhook({ ...CALLS[vendor]('not.a.token'), reply: vendor });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: 'token_malformed', stage: 'token', vendorReply: expect.any(Object) });
  });

  it('an action the user may not run: 403 permission_denied', async () => {
    const { token } = await issue(vendor);
    const response = await verifyWebhook({ ...CALLS[vendor](token), action: 'orders.refund', reply: vendor });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({
      error: 'permission_denied',
      stage: 'token',
      vendorReply: expectedReply(vendor, 'permission_denied', "Your account isn't allowed to do that."),
    });
    expect(auditLines()).toEqual([['webhook.verify', expect.objectContaining({ stage: 'token', outcome: 'permission_denied', action: 'orders.refund' })]]);
  });

  it('without reply, a refusal has no vendorReply', async () => {
    const response = await verifyWebhook({ ...CALLS[vendor]() });
    expect(response.status).toBe(401);
    expect(response.body).not.toHaveProperty('vendorReply');
  });
});

describe('token rules through the combined call', () => {
  it("another bot's token is wrong_bot", async () => {
    const { token } = await issue('shop');
    const response = await verifyWebhook({ ...CALLS.chatbotcom(token), reply: 'chatbotcom' });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: 'wrong_bot', vendorReply: expectedReply('chatbotcom', 'wrong_bot', response.body.message) });
  });

  it('a revoked session is session_revoked at once', async () => {
    const { token, sessionId } = await issue('inbenta');
    await request(t.url).post('/v1/sessions/revoke').set('authorization', `Bearer ${t.apiKeys.revoke}`).send({ sessionId }).expect(200);
    const response = await verifyWebhook({ ...CALLS.inbenta(token), reply: 'inbenta' });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('session_revoked');
  });

  it('a token bound to another conversation is conversation_mismatch', async () => {
    const { token } = await issue('chatbotcom', { conversationId: 'c-1' });
    expect((await verifyWebhook({ ...CALLS.chatbotcom(token), conversationId: 'c-1' })).status).toBe(200);
    const response = await verifyWebhook({ ...CALLS.chatbotcom(token), conversationId: 'c-2' });
    expect(response.body.error).toBe('conversation_mismatch');
  });

  it('an action the bot does not have is 400 unknown_action, still with vendorReply', async () => {
    const { token } = await issue('convokraft');
    const response = await verifyWebhook({ ...CALLS.convokraft(token), action: 'orders.delete', reply: 'convokraft' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'unknown_action', stage: 'token', vendorReply: { status: 'execution' } });
  });

  it('tokenField in the request wins over the bot default; the default is user_token', async () => {
    const { token } = await issue('chatbotcom');
    const elsewhere = { ...CALLS.chatbotcom(), body: JSON.stringify({ session: { auth: token } }) };
    expect((await verifyWebhook(elsewhere)).body.error).toBe('token_missing');
    expect((await verifyWebhook({ ...elsewhere, tokenField: 'session.auth' })).status).toBe(200);
    const { token: inbentaToken } = await issue('inbenta');
    expect((await verifyWebhook(CALLS.inbenta(inbentaToken))).status).toBe(200);
  });
});

describe('unreadable bodies after a good signature', () => {
  it('JSON that does not parse is 400 body_malformed, with vendorReply', async () => {
    const call = { ...CALLS.chatbotcom(), body: '{"attributes":' };
    const response = await verifyWebhook({ ...call, reply: 'chatbotcom' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'body_malformed', stage: 'token', signature: { valid: true }, vendorReply: expect.any(Object) });
  });

  it('a token field given twice in a form is 400 body_malformed', async () => {
    const { token } = await issue('inbenta');
    const call = CALLS.inbenta(token);
    const response = await verifyWebhook({ ...call, body: `${call.body}&user_token=${encodeURIComponent(token)}` });
    expect(response.body.error).toBe('body_malformed');
  });

  it('two Content-Types are 400 body_malformed', async () => {
    const { token } = await issue('inbenta');
    const call = CALLS.inbenta(token);
    const response = await verifyWebhook({ ...call, headers: { ...call.headers, 'Content-Type': 'application/json' } });
    expect(response.body.error).toBe('body_malformed');
  });

  it("headers forwarded as one-value arrays (Node's req.headersDistinct) work too", async () => {
    const { token } = await issue('inbenta');
    const call = CALLS.inbenta(token);
    const headers = Object.fromEntries(Object.entries(call.headers).map(([name, value]) => [name, [value]]));
    expect((await verifyWebhook({ ...call, headers })).status).toBe(200);
  });

  it('a UTF-8 form value survives as bodyBase64', async () => {
    const { token } = await issue('inbenta');
    const call = CALLS.inbenta(token);
    const body = `${call.body}&note=${encodeURIComponent('Grüße 👋')}`;
    const response = await verifyWebhook({ bot: 'inbenta', headers: call.headers, bodyBase64: Buffer.from(body).toString('base64') });
    expect(response.status).toBe(200);
  });
});

describe('handshakes', () => {
  it('a ChatBot.com verification GET is valid with the challenge and no token', async () => {
    const response = await verifyWebhook({ bot: 'chatbotcom', method: 'GET', url: '/hook?challenge=abc123&token=cb-verify', headers: {}, reply: 'chatbotcom' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ valid: true, signature: { valid: true, scheme: 'chatbotcom', secretId: 'token', challenge: 'abc123' }, token: null, challenge: 'abc123' });
    expect(auditLines()).toEqual([['webhook.verify', expect.objectContaining({ outcome: 'ok', handshake: true })]]);
  });
});

describe('bad input is a 4xx, never a 500', () => {
  it.each([
    ['an unknown reply vendor', { ...CALLS.inbenta(), reply: 'zendesk' }, 'invalid_request'],
    ['a tokenField with a space', { ...CALLS.inbenta(), tokenField: 'user token' }, 'invalid_request'],
    ['a tokenField path too deep', { ...CALLS.inbenta(), tokenField: Array.from({ length: 20 }, () => 'a').join('.') }, 'invalid_request'],
    ['permissions not a list', { ...CALLS.inbenta(), permissions: 'orders:read' }, 'invalid_request'],
    ['an action with a space', { ...CALLS.inbenta(), action: 'orders lookup' }, 'invalid_request'],
    ['an unknown bot', { ...CALLS.inbenta(), bot: 'ghost' }, 'unknown_bot'],
    ['a bot without webhook settings', { ...CALLS.inbenta(), bot: 'shop' }, 'webhook_not_configured'],
    ['no body for a POST', { bot: 'inbenta', headers: { 'x-inbenta-webhook-key': SECRET } }, 'invalid_request'],
  ])('%s', async (_name, payload, code) => {
    const response = await verifyWebhook(payload);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).toMatchObject({ valid: false, error: code });
  });

  it('a huge body is 413', async () => {
    const response = await verifyWebhook({ ...CALLS.inbenta(), body: 'x'.repeat(600 * 1024) });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ valid: false, error: 'payload_too_large' });
  });

  it('needs the verify scope', async () => {
    const response = await request(t.url).post('/v1/verify/webhook').set('authorization', `Bearer ${t.apiKeys.issue}`).send(CALLS.inbenta());
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ valid: false, error: 'scope_missing' });
  });
});
