/**
 * inGenious AI, whose channel is the site's own server: the site logs its
 * user in (POST /v1/tokens), starts a chat and sends the user's message to a
 * stand-in of the inGenious webhook API through IngeniousChannel (client/),
 * which puts the token into each request body; the bot's webhook then
 * reaches the handler in inGenious's documented webhook shape and passes
 * /v1/verify/webhook (through ChatwardenClient).
 *
 * Unconfirmed hop, marked as such: no public source says how custom data of
 * a user message reaches the bot's webhooks. The stand-in carries the
 * message's `metadata` into the event payload; the bot's `tokenField`
 * follows wherever the real platform puts it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { ChatwardenClient } from '../client/src/chatwarden.client.js';
import { IngeniousChannel, withUserToken } from '../client/src/ingenious-channel.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const INTEGRATION_TOKEN = 'ingenious-integration-access-token';
const WEBHOOK_SECRET = 'ingenious-webhook-bearer-secret';

interface Received {
  path: string;
  authorization?: string;
  body: Record<string, unknown>;
}

let t: TestApp;
let fake: Server;
let fakeUrl: string;
const received: Received[] = [];

async function readJson(message: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  t = await startTestApp(
    (config) => {
      const bots = config.bots as Record<string, Record<string, unknown>>;
      bots.genie = {
        origins: ['https://site.example.com'],
        actions: { 'orders.lookup': ['orders:read'] },
        webhook: { scheme: 'ingenious', secrets: [{ env: 'IG_SECRET' }], tokenField: 'events.0.payload.metadata.user_token' },
      };
    },
    { IG_SECRET: WEBHOOK_SECRET },
  );
  // A stand-in of the inGenious webhook API (support.ingenious.ai): start chat → 201 { conversation: { id } }, messages → 200 {}.
  fake = createServer(async (req, res) => {
    const body = await readJson(req);
    received.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
    if (req.url?.endsWith('/conversations')) res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ conversation: { id: 'conv-41' } }));
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/messaging/webhook/v1/team-1/bot-1`;
});
afterAll(async () => {
  await new Promise((resolve) => fake.close(resolve));
  await t.close();
});

it('withUserToken places the token at the path without touching the caller body, and refuses prototype paths', () => {
  const body = { metadata: { locale: 'en' }, message: { content: { type: 'text', text: 'hi' } } };
  expect(withUserToken(body, 'tok', 'metadata.user_token')).toEqual({ metadata: { locale: 'en', user_token: 'tok' }, message: body.message });
  expect(body.metadata).toEqual({ locale: 'en' });
  expect(withUserToken({}, 'tok', 'a.b.c')).toEqual({ a: { b: { c: 'tok' } } });
  expect(() => withUserToken({}, 'tok', '__proto__.polluted')).toThrow(/tokenPath is a dot path of plain names/);
  expect(() => withUserToken({}, 'tok', 'constructor.prototype')).toThrow(TypeError);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

it('from the site login to an inGenious-shaped webhook verified by /v1/verify/webhook', async () => {
  const issued = await request(t.url).post('/v1/tokens').set('authorization', `Bearer ${t.apiKeys.issue}`).send({ bot: 'genie', subject: 'cust-9', roles: ['customer'] });
  expect(issued.status).toBe(201);
  const token = issued.body.token as string;

  const channel = new IngeniousChannel({ baseUrl: fakeUrl, accessToken: INTEGRATION_TOKEN });
  const { conversationId } = await channel.startConversation(token, { displayName: 'Web chat', metadata: { page: '/orders' } });
  expect(conversationId).toBe('conv-41');
  const message = { message: { author: { type: 'user' }, content: { type: 'text', text: 'Where is my order?' } } };
  await channel.sendMessage(conversationId, token, message);

  expect(received.map((r) => [r.path, r.authorization])).toEqual([
    ['/messaging/webhook/v1/team-1/bot-1/conversations', `Bearer ${INTEGRATION_TOKEN}`],
    ['/messaging/webhook/v1/team-1/bot-1/conversations/conv-41/messages', `Bearer ${INTEGRATION_TOKEN}`],
  ]);
  expect(received[0].body).toEqual({ displayName: 'Web chat', metadata: { page: '/orders', user_token: token } });
  expect(received[1].body).toEqual({ ...message, metadata: { user_token: token } });

  // The bot's webhook to the handler, in the documented request shape (app, webhook, events[].payload.conversation);
  // the stand-in carries the message metadata along (the unconfirmed hop).
  const webhookBody = JSON.stringify({
    app: { teamId: 'team-1', botId: 'bot-1' },
    webhook: { id: 'wh-1', version: 'v1' },
    events: [{ id: 'ev-1', timestamp: Date.now(), type: 'conversation:message', payload: { conversation: { id: conversationId }, metadata: received[1].body.metadata } }],
  });
  const client = new ChatwardenClient({ baseUrl: t.url, apiKey: t.apiKeys.verify });
  const verdict = await client.verifyWebhook({
    bot: 'genie',
    action: 'orders.lookup',
    headers: { authorization: `Bearer ${WEBHOOK_SECRET}`, 'content-type': 'application/json' },
    body: webhookBody,
  });
  expect(verdict).toMatchObject({ valid: true, signature: { scheme: 'ingenious' }, token: { subject: 'cust-9', bot: 'genie' } });

  const forged = await client.verifyWebhook({ bot: 'genie', headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' }, body: webhookBody });
  expect(forged).toMatchObject({ valid: false, error: 'signature_invalid' });
});

it('an inGenious refusal or a bad answer is an IngeniousChannelError naming the status, never a credential', async () => {
  const refusing = new IngeniousChannel({
    baseUrl: 'https://ingenious.invalid/x',
    accessToken: INTEGRATION_TOKEN,
    fetch: async () => new Response('{"error":"bad"}', { status: 400 }),
  });
  const error = (await refusing.sendMessage('c', 'user-token-value', {}).catch((e: unknown) => e)) as Error & { status?: number };
  expect(error).toMatchObject({ name: 'IngeniousChannelError', status: 400, message: 'inGenious answered 400' });
  expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(/user-token-value|ingenious-integration/);
  const noId = new IngeniousChannel({ baseUrl: 'https://ingenious.invalid/x', accessToken: INTEGRATION_TOKEN, fetch: async () => new Response('{}', { status: 201 }) });
  await expect(noId.startConversation('t')).rejects.toThrow('inGenious answered without conversation.id');
  expect(() => new IngeniousChannel({ baseUrl: 'https://x', accessToken: INTEGRATION_TOKEN, tokenPath: 'a..b' })).toThrow(TypeError);
});
