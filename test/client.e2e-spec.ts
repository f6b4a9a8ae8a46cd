/**
 * The webhook handlers' client (client/) against a real running chatwarden:
 * verifyToken and verifyWebhook with their refusals, the node:http (Express
 * style) middleware, the Fastify plugin and the NestJS guard, each receiving
 * webhooks signed like the vendor signs them, and answering refusals with the
 * vendor reply. The exports map is checked on the built package.
 */
import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { Controller, Get, Module, Post, Req, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  ChatwardenClient,
  ChatwardenUnavailableError,
  decideWebhook,
  forwardWebhook,
  webhookMiddleware,
  type VerifiedWebhook,
  type WebhookOptions,
  type WebhookRequest,
} from '../client/src/index.js';
import { chatwardenWebhooks } from '../client/src/fastify-webhook.plugin.js';
import { ChatwardenWebhookGuard } from '../client/src/webhook.guard.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const WEBHOOK_SECRET = `whsec-${randomBytes(16).toString('hex')}`;

let t: TestApp;
let client: ChatwardenClient;

beforeAll(async () => {
  t = await startTestApp(
    (config) => {
      const bots = config.bots as Record<string, Record<string, unknown>>;
      bots.shop.webhook = { scheme: 'chatbase', secrets: [{ env: 'SHOP_WEBHOOK_SECRET' }] };
    },
    { SHOP_WEBHOOK_SECRET: WEBHOOK_SECRET },
  );
  client = new ChatwardenClient({ baseUrl: t.url, apiKey: t.apiKeys.verify });
});
afterAll(() => t?.close());

async function issue(body: Record<string, unknown> = {}): Promise<{ token: string; sessionId: string }> {
  const response = await fetch(`${t.url}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.apiKeys.issue}`, 'content-type': 'application/json' },
    body: JSON.stringify({ bot: 'shop', subject: 'alice', roles: ['customer'], ...body }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { token: string; sessionId: string };
}

/** What the chat vendor (Chatbase scheme) sends: the body and its HMAC-SHA1 signature. */
function signed(body: string, secret = WEBHOOK_SECRET, contentType = 'application/json'): { headers: Record<string, string>; body: string } {
  return { headers: { 'content-type': contentType, 'x-chatbase-signature': createHmac('sha1', secret).update(body).digest('hex') }, body };
}

/** Posts like a vendor would, to one of the handler servers below. */
async function deliver(url: string, delivery: { headers: Record<string, string>; body: string }) {
  const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', json: text ? JSON.parse(text) : undefined };
}

describe('ChatwardenClient.verifyToken', () => {
  it('answers the verified user for a good token', async () => {
    const { token, sessionId } = await issue();
    await expect(client.verifyToken({ token, bot: 'shop', action: 'orders.lookup' })).resolves.toEqual({
      valid: true,
      subject: 'alice',
      bot: 'shop',
      sessionId,
      permissions: ['account:read', 'orders:read'],
      authMethod: 'trusted',
      expiresAt: expect.any(String),
    });
  });

  it('answers refusals as values with status, code, user-safe message and request id', async () => {
    const { token } = await issue();
    await expect(client.verifyToken({ token: 'not-a-token', bot: 'shop' })).resolves.toEqual({
      valid: false,
      status: 401,
      error: 'token_malformed',
      message: "We couldn't confirm who you are. Please log in again.",
      detail: expect.any(String),
      requestId: expect.any(String),
    });
    await expect(client.verifyToken({ token, bot: 'other' })).resolves.toMatchObject({ valid: false, status: 401, error: 'wrong_bot' });
    await expect(client.verifyToken({ token, bot: 'shop', action: 'orders.refund' })).resolves.toMatchObject({ valid: false, status: 403, error: 'permission_denied' });
    const wrongKey = new ChatwardenClient({ baseUrl: t.url, apiKey: 'cwk_000000000000_nope' });
    await expect(wrongKey.verifyToken({ token, bot: 'shop' })).resolves.toMatchObject({ valid: false, status: 401, error: 'api_key_invalid' });
  });

  it('rejects with ChatwardenUnavailableError when chatwarden cannot be asked', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const { port } = silent.address() as { port: number };
    try {
      const slow = new ChatwardenClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', timeoutMs: 200 });
      await expect(slow.verifyToken({ token: 'x' })).rejects.toThrow(`chatwarden at http://127.0.0.1:${port}: no answer within 200 ms`);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
    const down = new ChatwardenClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k' });
    await expect(down.verifyToken({ token: 'x' })).rejects.toBeInstanceOf(ChatwardenUnavailableError);
    // A proxy's error page or a stranger's JSON is not a refusal: the handler cannot tell the user anything from it.
    const proxyPage = new ChatwardenClient({ baseUrl: 'http://chatwarden.test', apiKey: 'k', fetch: (async () => new Response('<html>Bad Gateway</html>', { status: 502 })) as typeof fetch });
    await expect(proxyPage.verifyToken({ token: 'x' })).rejects.toThrow('chatwarden at http://chatwarden.test answered 502 without JSON');
    const stranger = new ChatwardenClient({ baseUrl: 'http://chatwarden.test', apiKey: 'k', fetch: (async () => Response.json({ ok: true })) as typeof fetch });
    await expect(stranger.verifyToken({ token: 'x' })).rejects.toThrow('answered 200 with an unexpected body');
  });
});

describe('ChatwardenClient.verifyWebhook', () => {
  it('verifies the signature and the user token in the body', async () => {
    const { token } = await issue();
    const delivery = signed(JSON.stringify({ event: 'action', user_token: token }));
    const result = await client.verifyWebhook({ bot: 'shop', action: 'orders.lookup', ...forwardWebhook({ method: 'POST', headers: delivery.headers, body: Buffer.from(delivery.body) }) });
    expect(result).toMatchObject({ valid: true, signature: { valid: true, scheme: 'chatbase', secretId: 'config-0' }, token: { subject: 'alice', bot: 'shop' } });
  });

  it('refuses a forged signature at the signature stage, with the vendor reply when asked', async () => {
    const { token } = await issue();
    const delivery = signed(JSON.stringify({ user_token: token }), 'not-the-secret');
    const result = await client.verifyWebhook({ bot: 'shop', reply: 'chatbotcom', ...forwardWebhook({ method: 'POST', headers: delivery.headers, body: delivery.body }) });
    expect(result).toMatchObject({ valid: false, status: 401, error: 'signature_invalid', stage: 'signature', token: null });
    expect(result.valid === false && result.vendorReply).toEqual({
      responses: [{ type: 'text', message: expect.any(String) }],
      attributes: { chatwarden_error: 'signature_invalid' },
    });
  });
});

describe('forwardWebhook', () => {
  it('keeps bytes: UTF-8 with its BOM as text, anything else as base64, repeated headers as arrays', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}')]);
    const asText = forwardWebhook({ method: 'POST', headers: { 'x-a': ['1'], 'x-b': ['1', '2'], 'x-c': undefined }, body: bom });
    expect(Buffer.from(asText.body!, 'utf8').equals(bom)).toBe(true);
    expect(asText.headers).toEqual({ 'x-a': '1', 'x-b': ['1', '2'] });
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const asBase64 = forwardWebhook({ method: 'POST', headers: {}, body: binary });
    expect(asBase64).toEqual({ method: 'POST', headers: {}, bodyBase64: binary.toString('base64') });
  });
});

describe('decideWebhook', () => {
  /** A client whose fetch answers like chatwarden would, to reach the branches a live bot config cannot. */
  const answering = (status: number, body: unknown) =>
    new ChatwardenClient({ baseUrl: 'http://chatwarden.test', apiKey: 'k', fetch: (async () => new Response(JSON.stringify(body), { status })) as typeof fetch });

  it('turns a handshake into its challenge, and an unreachable chatwarden into 503', async () => {
    const handshake = { valid: true, signature: { valid: true, scheme: 'meta', secretId: 'config-0', challenge: 'c-123' }, token: null, challenge: 'c-123' };
    const received = { method: 'GET', url: 'https://bot.example.com/hook?hub.challenge=c-123', headers: {}, body: Buffer.alloc(0) };
    await expect(decideWebhook({ client: answering(200, handshake), bot: 'shop' }, received)).resolves.toMatchObject({ kind: 'handshake', challenge: 'c-123' });
    const down = new ChatwardenClient({ baseUrl: 'http://chatwarden.test', apiKey: 'k', fetch: (async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch });
    await expect(decideWebhook({ client: down, bot: 'shop' }, received)).resolves.toEqual({
      kind: 'refuse',
      status: 503,
      body: { error: 'chatwarden_unavailable', message: expect.any(String) },
    });
  });
});

describe('webhookMiddleware on node:http (the Express/Connect signature)', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ chatwarden?: VerifiedWebhook; body: unknown; raw?: string }> = [];

  beforeAll(async () => {
    const options: WebhookOptions = { client, bot: 'shop', action: (received) => new URL(received.url!).searchParams.get('action') ?? undefined };
    const plain = webhookMiddleware(options);
    const withReply = webhookMiddleware({ ...options, reply: 'inbenta', maxBodyBytes: 4096 });
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const middleware = request.url!.startsWith('/inbenta') ? withReply : plain;
      if (request.url!.startsWith('/pre-read')) {
        // A body parser ran first and kept the bytes, as `express.json({ verify })` does.
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          (request as WebhookRequest).rawBody = Buffer.concat(chunks);
          (request as WebhookRequest).body = { parsed: 'by someone else' };
          run();
        });
      } else {
        run();
      }
      function run() {
        middleware(request, response, (error?: unknown) => {
          if (error) {
            response.writeHead(500).end(String(error));
            return;
          }
          const passed = request as WebhookRequest;
          seen.push({ chatwarden: passed.chatwarden, body: passed.body, raw: passed.rawBody?.toString('utf8') });
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hello: passed.chatwarden?.token?.subject }));
        });
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((done) => server.close(done)));

  it('lets a signed webhook with a good token through, with the user, the raw bytes and the parsed body', async () => {
    const { token } = await issue();
    const body = JSON.stringify({ user_token: token, order: 'A-17' });
    await expect(deliver(`${url}/hook?action=orders.lookup`, signed(body))).resolves.toMatchObject({ status: 200, json: { hello: 'alice' } });
    expect(seen.at(-1)).toMatchObject({ chatwarden: { token: { subject: 'alice' } }, body: { user_token: token, order: 'A-17' }, raw: body });
  });

  it('reads a form-encoded body (Inbenta action parameters) and finds the token field in it', async () => {
    const { token } = await issue();
    const body = new URLSearchParams({ user_token: token, order: 'A-18' }).toString();
    await expect(deliver(`${url}/hook`, signed(body, WEBHOOK_SECRET, 'application/x-www-form-urlencoded'))).resolves.toMatchObject({ status: 200 });
    expect(seen.at(-1)!.body).toEqual({ user_token: token, order: 'A-18' });
  });

  it('refuses with chatwarden status and code, or with the vendor reply when one is configured', async () => {
    const { token } = await issue();
    const before = seen.length;
    await expect(deliver(`${url}/hook`, signed(JSON.stringify({ user_token: token }), 'forged'))).resolves.toMatchObject({
      status: 401,
      json: { error: 'signature_invalid', message: expect.any(String), requestId: expect.any(String) },
    });
    await expect(deliver(`${url}/hook?action=orders.refund`, signed(JSON.stringify({ user_token: token })))).resolves.toMatchObject({ status: 403, json: { error: 'permission_denied' } });
    const refused = await deliver(`${url}/inbenta`, signed(JSON.stringify({ user_token: 'expired-or-garbage' })));
    expect(refused).toEqual({
      status: 200,
      contentType: 'application/json; charset=utf-8',
      json: { status: 'error', chatbot_response: "We couldn't confirm who you are. Please log in again." },
    });
    expect(seen.length).toBe(before);
  });

  it('answers 413 for a body over maxBodyBytes without asking chatwarden', async () => {
    await expect(deliver(`${url}/inbenta`, signed(JSON.stringify({ pad: 'x'.repeat(5000) })))).resolves.toMatchObject({ status: 413, json: { error: 'payload_too_large' } });
  });

  it('uses request.rawBody when a body parser already read the stream, and keeps the parsed body', async () => {
    const { token } = await issue();
    await expect(deliver(`${url}/pre-read`, signed(JSON.stringify({ user_token: token })))).resolves.toMatchObject({ status: 200, json: { hello: 'alice' } });
    expect(seen.at(-1)!.body).toEqual({ parsed: 'by someone else' });
  });
});

describe('the Fastify plugin', () => {
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    app = Fastify();
    await app.register(async (webhooks) => {
      await webhooks.register(chatwardenWebhooks, { client, bot: 'shop', action: 'orders.lookup', reply: 'chatbotcom' });
      webhooks.post('/webhooks/shop', async (request) => ({ hello: request.chatwarden?.token?.subject, order: (request.body as { order: string }).order, bytes: request.rawBody?.length }));
    });
    app.post('/elsewhere', async (request) => ({ parsed: request.body }));
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it('lets a signed webhook through with the user and the parsed body', async () => {
    const { token } = await issue();
    const body = JSON.stringify({ user_token: token, order: 'B-2' });
    await expect(deliver(`${url}/webhooks/shop`, signed(body))).resolves.toMatchObject({ status: 200, json: { hello: 'alice', order: 'B-2', bytes: Buffer.byteLength(body) } });
  });

  it('answers a refusal with the vendor reply and never runs the route', async () => {
    const { token, sessionId } = await issue();
    const revoke = await fetch(`${t.url}/v1/sessions/revoke`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKeys.revoke}`, 'content-type': 'application/json' }, body: JSON.stringify({ sessionId }) });
    expect(revoke.status).toBe(200);
    await expect(deliver(`${url}/webhooks/shop`, signed(JSON.stringify({ user_token: token })))).resolves.toEqual({
      status: 200,
      contentType: 'application/json; charset=utf-8',
      json: { responses: [{ type: 'text', message: 'You have been logged out. Please log in again.' }], attributes: { chatwarden_error: 'session_revoked' } },
    });
  });

  it('changes only its own scope', async () => {
    await expect(deliver(`${url}/elsewhere`, { headers: { 'content-type': 'application/json' }, body: '{"a":1}' })).resolves.toMatchObject({ status: 200, json: { parsed: { a: 1 } } });
  });
});

describe('the NestJS guard', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    @Controller('webhooks')
    class WebhooksController {
      @Post('shop')
      @UseGuards(new ChatwardenWebhookGuard({ client, bot: 'shop', action: 'orders.lookup' }))
      lookup(@Req() request: { chatwarden: VerifiedWebhook }) {
        return { hello: request.chatwarden.token?.subject };
      }

      @Post('inbenta')
      @UseGuards(new ChatwardenWebhookGuard({ client, bot: 'shop', reply: 'inbenta' }))
      inbenta(@Req() request: { chatwarden: VerifiedWebhook }) {
        return { hello: request.chatwarden.token?.subject };
      }

      @Get('ping')
      ping() {
        return { ok: true };
      }
    }
    @Module({ controllers: [WebhooksController] })
    class HandlerModule {}
    app = await NestFactory.create(HandlerModule, new FastifyAdapter(), { rawBody: true, logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(() => app.close());

  it('lets a signed webhook with a good token reach the handler', async () => {
    const { token } = await issue();
    await expect(deliver(`${url}/webhooks/shop`, signed(JSON.stringify({ user_token: token })))).resolves.toMatchObject({ status: 201, json: { hello: 'alice' } });
  });

  it('answers refusals with chatwarden status and body, or the vendor reply', async () => {
    const { token } = await issue();
    await expect(deliver(`${url}/webhooks/shop`, signed(JSON.stringify({ user_token: token }), 'forged'))).resolves.toMatchObject({ status: 401, json: { error: 'signature_invalid' } });
    await expect(deliver(`${url}/webhooks/inbenta`, signed(JSON.stringify({ other: 1 })))).resolves.toMatchObject({
      status: 200,
      json: { status: 'error', chatbot_response: 'Please log in to continue.' },
    });
  });
});

describe('the package exports', () => {
  it('resolves chatwarden/client, /fastify and /nestjs from the build', async () => {
    const script = "const [c, f, n] = await Promise.all([import('chatwarden/client'), import('chatwarden/client/fastify'), import('chatwarden/client/nestjs')]); console.log(JSON.stringify([typeof c.ChatwardenClient, typeof c.webhookMiddleware, typeof f.chatwardenWebhooks, typeof n.ChatwardenWebhookGuard]));";
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual(['function', 'function', 'function', 'function']);
  });
});
