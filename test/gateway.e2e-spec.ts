/**
 * The webhook gateway end to end (SPEC.md "Webhook gateway"): a vendor body
 * signed with the `standardwebhooks` library, chatwarden on loopback, and a
 * REAL upstream HTTP server on loopback that records every request it gets.
 * Allowed calls arrive byte-exact with an assertion that jose verifies
 * against the JWKS fetched over HTTP; refusals and failures never reach it
 * (or, for failures, reach it and come back as "try again").
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { jest } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { AuditLog } from '../src/observability/audit-log.js';
import { SigningKeyAdmin } from '../src/keys/signing-key-admin.service.js';
import { AssertionError, assertionHook, assertionMiddleware, verifyAssertion, type AssertedRequest, type AssertedUser } from '../client/src/index.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const WHSEC = `whsec_${Buffer.alloc(32, 0x47).toString('base64')}`;
const OTHER_WHSEC = `whsec_${Buffer.alloc(32, 0x13).toString('base64')}`;

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** The handler behind the gateway: records what it gets; `behave` by path decides the answer. */
class Upstream {
  readonly received: Received[] = [];
  behave = new Map<string, (res: ServerResponse) => void>();
  private server!: Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
        const behaviour = this.behave.get(req.url!);
        if (behaviour) return behaviour(res);
        res.writeHead(200, { 'content-type': 'application/vnd.shop+json' });
        res.end(JSON.stringify({ ok: true, path: req.url }));
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  reset(): void {
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const upstream = new Upstream();
/** Handlers that use the client's middleware (no other chatwarden code): node:http and Fastify. */
let nodeHandler: Server;
/** A handler that checks every assertion with a JWKS cache of 2 s and no unknown-kid rescue (30 s cool-down): counts outcomes by kid. */
let rotationHandler: Server;
const rotationSeen = { ok: new Map<string, number>(), failures: [] as string[] };
let fastifyHandler: FastifyInstance;
const clientOptions = (audience: string) => ({ jwksUrl: new URL('/.well-known/jwks.json', t.url), audience, issuer: t.config.publicUrl });
/** A port nothing listens on: taken, then closed. */
let deadPort = 0;
let t: TestApp;

beforeAll(async () => {
  await upstream.start();
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  deadPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  nodeHandler = createServer((req, res) =>
    assertionMiddleware(clientOptions('node-handlers'))(req, res, (error) => {
      if (error) throw error;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ handledFor: (req as AssertedRequest).chatwardenUser!.subject }));
    }),
  );
  await new Promise<void>((resolve) => nodeHandler.listen(0, '127.0.0.1', resolve));
  rotationHandler = createServer((req, res) => {
    req.resume();
    verifyAssertion(req.headers, { ...clientOptions('rotation-handlers'), cacheMaxAgeMs: 2000, cooldownMs: 30_000 }).then(
      () => {
        const kid = decodeProtectedHeader(req.headers['chatwarden-assertion'] as string).kid!;
        rotationSeen.ok.set(kid, (rotationSeen.ok.get(kid) ?? 0) + 1);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      },
      (error: unknown) => {
        rotationSeen.failures.push(String((error as Error).message));
        res.writeHead(401).end();
      },
    );
  });
  await new Promise<void>((resolve) => rotationHandler.listen(0, '127.0.0.1', resolve));
  fastifyHandler = Fastify();
  fastifyHandler.addHook('preHandler', (request, reply) => assertionHook(clientOptions('fastify-handlers'))(request as never, reply as never));
  fastifyHandler.post('/f/:action', async (request) => ({ handledFor: (request as unknown as { chatwardenUser: AssertedUser }).chatwardenUser.subject }));
  await fastifyHandler.listen({ port: 0, host: '127.0.0.1' });
  t = await startTestApp((raw) => {
    const bots = raw.bots as Record<string, Record<string, unknown>>;
    const actions = { 'orders.lookup': ['orders:read'], 'orders.refund': ['orders:refund'], slow: [], big: [], broken: [], moved: [], huge: [] };
    bots.shop.actions = actions;
    bots.shop.webhook = { scheme: 'standard-webhooks', secrets: [WHSEC], conversationField: 'conversation.id' };
    bots.shop.gateway = { upstream: `http://127.0.0.1:${upstream.port}/chat`, timeoutSeconds: 1, audience: 'orders-handlers' };
    // other: the action in the body, refusals and failures in ChatBot.com's reply format, audience by default.
    bots.other.actions = { 'orders.lookup': ['orders:read'] };
    bots.other.webhook = { scheme: 'standard-webhooks', secrets: [OTHER_WHSEC], reply: 'chatbotcom' };
    bots.other.gateway = { upstream: `http://127.0.0.1:${upstream.port}/other/`, actionField: 'action', timeoutSeconds: 1 };
    for (const [name, port, path, audience] of [
      ['mw', (nodeHandler.address() as AddressInfo).port, '/n', 'node-handlers'],
      ['fast', (fastifyHandler.server.address() as AddressInfo).port, '/f', 'fastify-handlers'],
      ['rot', (rotationHandler.address() as AddressInfo).port, '/r', 'rotation-handlers'],
    ] as const) {
      bots[name] = {
        origins: ['https://m.example.com'],
        actions: { 'orders.lookup': ['orders:read'] },
        webhook: { scheme: 'standard-webhooks', secrets: [WHSEC] },
        gateway: { upstream: `http://127.0.0.1:${port}${path}`, timeoutSeconds: 2, audience },
      };
    }
    bots.cb = {
      origins: ['https://cb.example.com'],
      actions: { 'orders.lookup': ['orders:read'] },
      webhook: { scheme: 'chatbotcom', token: 'cb-verify-token-1234', headers: { 'x-chatbot-key': 'cb-header-key-5678' }, tokenField: 'attributes.user_token', reply: 'chatbotcom' },
      gateway: { upstream: `http://127.0.0.1:${upstream.port}/cb`, timeoutSeconds: 1 },
    };
    bots.nogateway = { origins: ['https://n.example.com'], actions: { 'orders.lookup': [] }, webhook: { scheme: 'standard-webhooks', secrets: [OTHER_WHSEC], reply: 'chatbotcom' } };
    bots.down = {
      origins: ['https://down.example.com'],
      actions: { 'orders.lookup': ['orders:read'] },
      webhook: { scheme: 'standard-webhooks', secrets: [WHSEC] },
      gateway: { upstream: `http://127.0.0.1:${deadPort}/x`, timeoutSeconds: 1 },
    };
  });
  await t.app.get(SigningKeyAdmin).rotate('ES256', 0);
});
afterAll(async () => {
  await t?.close();
  await upstream.stop();
  await new Promise<void>((resolve) => nodeHandler?.close(() => resolve()));
  await new Promise<void>((resolve) => rotationHandler?.close(() => resolve()));
  await fastifyHandler?.close();
});
beforeEach(() => upstream.reset());

async function issue(bot: string, roles = ['customer'], conversationId?: string): Promise<string> {
  const response = await request(t.url)
    .post('/v1/tokens')
    .set({ authorization: `Bearer ${t.apiKeys.issue}` })
    .send({ bot, subject: 'alice', roles, ...(conversationId !== undefined && { conversationId }) });
  expect(response.status).toBe(201);
  return response.body.token;
}

/** Standard Webhooks headers for `body`, signed by the standardwebhooks library (not chatwarden's code). */
function vendorHeaders(body: string, secret = WHSEC, id = `msg_${randomUUID()}`): Record<string, string> {
  const at = new Date();
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) };
}

/** POSTs `body` to the gateway with Node's fetch, exactly these bytes. */
function hook(path: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

/** Like hook, but the path goes out exactly as written (fetch would resolve `..` and `%2E%2E`). */
function rawHook(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(t.url);
    const req = httpRequest({ hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const jwksUrl = () => new URL('/.well-known/jwks.json', t.url);

describe('allowed calls', () => {
  it('are forwarded byte-exact with the vendor headers and a Chatwarden-Assertion that jose verifies against the JWKS over HTTP', async () => {
    const token = await issue('shop', ['customer'], 'c-9');
    // Odd spacing and key order: any re-serialization would change the bytes.
    const body = `{ "user_token":"${token}",  "conversation": {"id":"c-9"}, "text":"where is my order? \u00e9" }`;
    const headers: Record<string, string> = { ...vendorHeaders(body), 'x-vendor-trace': 'abc', 'chatwarden-assertion': 'forged.by.caller', authorization: `Bearer ${t.apiKeys.verify}`, 'x-request-id': 'mine' };
    const response = await hook('/hooks/shop/orders.lookup', body, headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.shop+json');
    expect(await response.json()).toEqual({ ok: true, path: '/chat/orders.lookup' });

    expect(upstream.received).toHaveLength(1);
    const [got] = upstream.received;
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/chat/orders.lookup');
    expect(got.body.equals(Buffer.from(body, 'utf8'))).toBe(true);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-id']).toBe(headers['webhook-id']);
    expect(got.headers['webhook-signature']).toBe(headers['webhook-signature']);
    expect(got.headers['x-vendor-trace']).toBe('abc');
    // Chatwarden's own API key is never forwarded; the caller's request id and assertion are replaced.
    expect(got.headers.authorization).toBeUndefined();
    // The request's id (a well-formed one the vendor sent is kept): the same as on the audit lines.
    expect(got.headers['x-request-id']).toBe('mine');
    const assertion = got.headers['chatwarden-assertion'];
    expect(typeof assertion).toBe('string');
    expect(assertion).not.toBe('forged.by.caller');

    const jwks = createRemoteJWKSet(jwksUrl());
    const { payload, protectedHeader } = await jwtVerify(assertion as string, jwks, {
      algorithms: ['ES256'],
      issuer: t.config.publicUrl,
      audience: 'orders-handlers',
      typ: 'chatwarden-assertion+jwt',
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'chatwarden-assertion+jwt' });
    expect(typeof protectedHeader.kid).toBe('string');
    expect(payload).toMatchObject({ sub: 'alice', bot: 'shop', act: 'orders.lookup', conv: 'c-9', amr: ['trusted'], jti: headers['webhook-id'] });
    expect(payload.perms).toEqual(expect.arrayContaining(['orders:read']));
    expect(typeof payload.sid).toBe('string');
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it('takes the action from actionField when the URL names none; the default audience is the upstream origin', async () => {
    const token = await issue('other');
    const body = JSON.stringify({ action: 'orders.lookup', user_token: token });
    const response = await hook('/hooks/other', body, vendorHeaders(body, OTHER_WHSEC));
    expect(response.status).toBe(200);
    expect(upstream.received.map((r) => r.url)).toEqual(['/other/orders.lookup']);
    expect(upstream.received[0].headers['x-request-id']).toMatch(/^\S+$/);
    const assertion = upstream.received[0].headers['chatwarden-assertion'] as string;
    const { payload } = await jwtVerify(assertion, createRemoteJWKSet(jwksUrl()), {
      algorithms: ['ES256'],
      issuer: t.config.publicUrl,
      audience: `http://127.0.0.1:${upstream.port}`,
      typ: 'chatwarden-assertion+jwt',
    });
    expect(payload.act).toBe('orders.lookup');
    expect(decodeProtectedHeader(assertion).alg).toBe('ES256');
  });
});

describe('ChatBot.com through the gateway', () => {
  it('answers the verification GET with the challenge, and keeps the connection credentials from the upstream', async () => {
    const handshake = await fetch(`${t.url}/hooks/cb?challenge=ch-42&token=cb-verify-token-1234`);
    expect(handshake.status).toBe(200);
    expect(await handshake.text()).toBe('ch-42');
    const wrong = await fetch(`${t.url}/hooks/cb?challenge=ch-42&token=nope`);
    expect(wrong.status).toBe(200); // ChatBot.com reply format
    expect(await wrong.text()).not.toContain('ch-42');

    const token = await issue('cb');
    const body = JSON.stringify({ chatId: 'c1', attributes: { user_token: token } });
    const response = await hook('/hooks/cb/orders.lookup', body, { 'x-chatbot-key': 'cb-header-key-5678' });
    expect(response.status).toBe(200);
    expect(upstream.received.map((r) => r.url)).toEqual(['/cb/orders.lookup']);
    expect(upstream.received[0].headers['x-chatbot-key']).toBeUndefined();
    expect(upstream.received[0].body.toString('utf8')).toBe(body);
  });
});

describe('refusals never reach the upstream', () => {
  it('bad signature, no token, permission denied: JSON 401/403 without a reply format', async () => {
    const token = await issue('shop');
    const body = JSON.stringify({ user_token: token });
    const forged = await hook('/hooks/shop/orders.lookup', body, vendorHeaders(body, OTHER_WHSEC));
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: 'signature_invalid' });

    const noToken = JSON.stringify({ text: 'hi' });
    const anonymous = await hook('/hooks/shop/orders.lookup', noToken, vendorHeaders(noToken));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'token_missing' });

    const denied = await hook('/hooks/shop/orders.refund', body, vendorHeaders(body));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: 'permission_denied' });

    const unsigned = await hook('/hooks/shop/orders.lookup', body, {});
    expect(unsigned.status).toBe(401);
    expect(upstream.received).toEqual([]);
  });

  it('answers in the vendor format of webhook.reply (ChatBot.com) with status 200', async () => {
    const body = JSON.stringify({ action: 'orders.lookup', text: 'no token here' });
    const response = await hook('/hooks/other', body, vendorHeaders(body, OTHER_WHSEC));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ responses: [{ type: 'text', message: 'Please log in to continue.' }], attributes: { chatwarden_error: 'token_missing' } });
    expect(upstream.received).toEqual([]);
  });

  it('unknown bot, bot without a gateway, unknown action, prototype names, action with path characters', async () => {
    const token = await issue('shop');
    const body = JSON.stringify({ user_token: token });
    const cases: Array<[string, number, string]> = [
      ['/hooks/nobody/orders.lookup', 400, 'unknown_bot'],
      ['/hooks/__proto__/orders.lookup', 400, 'unknown_bot'],
      ['/hooks/constructor', 400, 'unknown_bot'],
      ['/hooks/shop/orders.delete', 400, 'unknown_action'],
      ['/hooks/shop/toString', 400, 'unknown_action'],
      ['/hooks/shop/__proto__', 400, 'unknown_action'],
      ['/hooks/shop/..%2Fadmin', 400, 'unknown_action'],
      ['/hooks/shop/orders.lookup%2F..%2F..%2Fadmin', 400, 'unknown_action'],
      ['/hooks/shop/..', 400, 'unknown_action'],
      ['/hooks/shop/%2E%2E', 400, 'unknown_action'],
    ];
    for (const [path, status, error] of cases) {
      const response = await rawHook(path, body, vendorHeaders(body));
      expect({ path, ...response }).toMatchObject({ path, status, body: { error } });
    }
    // A configured bot without a gateway block: refused in its vendor's format (ChatBot.com: status 200).
    const none = await hook('/hooks/nogateway/orders.lookup', body, vendorHeaders(body, OTHER_WHSEC));
    expect(none.status).toBe(200);
    expect(await none.json()).toMatchObject({ attributes: { chatwarden_error: 'gateway_not_configured' } });
    expect(upstream.received).toEqual([]);
  });

  it('a vendor body over the limit is refused with 413', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) });
    const response = await hook('/hooks/shop/orders.lookup', body, vendorHeaders(body));
    expect(response.status).toBe(413);
    expect(upstream.received).toEqual([]);
  });

  it('a replayed delivery is refused the second time', async () => {
    const token = await issue('shop');
    const body = JSON.stringify({ user_token: token });
    const headers = vendorHeaders(body);
    expect((await hook('/hooks/shop/orders.lookup', body, headers)).status).toBe(200);
    const again = await hook('/hooks/shop/orders.lookup', body, headers);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: 'replayed' });
    expect(upstream.received).toHaveLength(1);
  });
});

describe('upstream failures answer "try again", never hang', () => {
  const call = async (action: string) => {
    const token = await issue('shop');
    const body = JSON.stringify({ user_token: token });
    return hook(`/hooks/shop/${action}`, body, vendorHeaders(body));
  };

  it('timeout: 504 upstream_timeout after timeoutSeconds', async () => {
    upstream.behave.set('/chat/slow', () => undefined); // never answers
    const response = await call('slow');
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: 'upstream_timeout' });
    expect(upstream.received).toHaveLength(1);
  });

  it('5xx: 502 upstream_unavailable, the upstream body is not relayed', async () => {
    upstream.behave.set('/chat/broken', (res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('stack trace of the handler');
    });
    const response = await call('broken');
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ error: 'upstream_unavailable' });
    expect(text).not.toContain('stack trace');
  });

  it('an answer over 1 MiB (declared or streamed) is not relayed', async () => {
    upstream.behave.set('/chat/big', (res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.alloc(1024 * 1024 + 1, 0x61));
    });
    upstream.behave.set('/chat/huge', (res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }); // chunked, no length
      for (let i = 0; i < 5; i += 1) res.write(Buffer.alloc(512 * 1024, 0x62));
      res.end();
    });
    for (const action of ['big', 'huge']) {
      const response = await call(action);
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: 'upstream_unavailable' });
    }
  });

  it('a redirect is not followed', async () => {
    upstream.behave.set('/chat/moved', (res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${upstream.port}/elsewhere` });
      res.end();
    });
    const response = await call('moved');
    expect(response.status).toBe(502);
    expect(upstream.received.map((r) => r.url)).toEqual(['/chat/moved']);
  });

  it("the vendor's retry after a 5xx is forwarded again, not refused as replayed (the delivery id was given back)", async () => {
    let failNext = true;
    upstream.behave.set('/chat/broken', (res) => {
      res.writeHead(failNext ? 503 : 200, { 'content-type': 'application/json' });
      res.end(failNext ? '{}' : '{"ok":"second"}');
      failNext = false;
    });
    const token = await issue('shop');
    const body = JSON.stringify({ user_token: token });
    const headers = vendorHeaders(body);
    expect((await hook('/hooks/shop/broken', body, headers)).status).toBe(502);
    const retry = await hook('/hooks/shop/broken', body, headers);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ ok: 'second' });
    expect(upstream.received).toHaveLength(2);
    // Once carried out, the same delivery is a replay.
    expect((await hook('/hooks/shop/broken', body, headers)).status).toBe(401);
    expect(upstream.received).toHaveLength(2);
  });

  it('connection refused: 502, and in the vendor format for a bot with webhook.reply', async () => {
    const token = await issue('down');
    const body = JSON.stringify({ user_token: token });
    const response = await hook('/hooks/down/orders.lookup', body, vendorHeaders(body));
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'upstream_unavailable' });
  });
});

describe('client/ verifyAssertion and middleware, against the running gateway', () => {
  it('verifyAssertion gives the user of a forwarded call, and refuses a wrong audience, a missing or altered header', async () => {
    const token = await issue('shop', ['customer'], 'c-3');
    const body = JSON.stringify({ user_token: token, conversation: { id: 'c-3' } });
    expect((await hook('/hooks/shop/orders.lookup', body, vendorHeaders(body))).status).toBe(200);
    const { headers } = upstream.received[0];
    const user = await verifyAssertion(headers, clientOptions('orders-handlers'));
    expect(user).toMatchObject({ subject: 'alice', bot: 'shop', action: 'orders.lookup', conversationId: 'c-3', authMethods: ['trusted'] });
    expect(user.permissions).toEqual(expect.arrayContaining(['orders:read']));
    // A fetch Headers works the same.
    expect((await verifyAssertion(new Headers({ 'chatwarden-assertion': headers['chatwarden-assertion'] as string }), clientOptions('orders-handlers'))).subject).toBe('alice');

    await expect(verifyAssertion(headers, clientOptions('someone-else'))).rejects.toMatchObject({ code: 'assertion_invalid', status: 401 });
    await expect(verifyAssertion({}, clientOptions('orders-handlers'))).rejects.toMatchObject({ code: 'assertion_missing' });
    const [h, p, sig] = (headers['chatwarden-assertion'] as string).split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const altered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url')}.${sig}`;
    await expect(verifyAssertion({ 'chatwarden-assertion': altered }, clientOptions('orders-handlers'))).rejects.toBeInstanceOf(AssertionError);
    await expect(verifyAssertion({ 'chatwarden-assertion': [altered, altered] }, clientOptions('orders-handlers'))).rejects.toMatchObject({ code: 'assertion_invalid' });
  });

  it('the node:http middleware and the Fastify hook put the user on the request; a call around the gateway is refused 401', async () => {
    for (const bot of ['mw', 'fast']) {
      const token = await issue(bot);
      const body = JSON.stringify({ user_token: token });
      const response = await hook(`/hooks/${bot}/orders.lookup`, body, vendorHeaders(body));
      expect({ bot, status: response.status, body: await response.json() }).toEqual({ bot, status: 200, body: { handledFor: 'alice' } });
    }
    const direct = await fetch(`http://127.0.0.1:${(nodeHandler.address() as AddressInfo).port}/n/orders.lookup`, { method: 'POST', body: '{}' });
    expect(direct.status).toBe(401);
    expect(await direct.json()).toMatchObject({ error: 'assertion_missing' });
    const forged = await fetch(`http://127.0.0.1:${(fastifyHandler.server.address() as AddressInfo).port}/f/orders.lookup`, {
      method: 'POST',
      headers: { 'chatwarden-assertion': 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5In0.' },
      body: '{}',
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: 'assertion_invalid' });
  });
});

describe('signing key rotation under load', () => {
  it('zero failed assertion checks at the handler across the switch to a new key', async () => {
    const token = await issue('rot');
    const send = async () => {
      const body = JSON.stringify({ user_token: token, n: randomUUID() });
      const response = await hook('/hooks/rot/orders.lookup', body, vendorHeaders(body));
      return response.status;
    };
    // The handler has cached the JWKS with the current key only.
    expect(await send()).toBe(200);
    const next = await t.app.get(SigningKeyAdmin).rotate('ES256', 5);
    expect(next.state).toBe('pending');
    const statuses: number[] = [];
    // Four callers at once until the new key has signed a good number of calls.
    const caller = async () => {
      while ((rotationSeen.ok.get(next.kid) ?? 0) < 20) statuses.push(await send());
    };
    await Promise.all([caller(), caller(), caller(), caller()]);
    expect(rotationSeen.failures).toEqual([]);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect([...rotationSeen.ok.keys()]).toHaveLength(2);
  }, 30_000);
});

describe('audit', () => {
  it('writes one gateway.forward line per call with the request id (the one forwarded as X-Request-Id), and no token', async () => {
    const record = jest.spyOn(t.app.get(AuditLog), 'record');
    try {
      const token = await issue('shop');
      const body = JSON.stringify({ user_token: token });
      await hook('/hooks/shop/orders.lookup', body, { ...vendorHeaders(body), 'x-request-id': 'gw-audit-ok' });
      await hook('/hooks/shop/orders.refund', body, { ...vendorHeaders(body), 'x-request-id': 'gw-audit-denied' });
      const lines = record.mock.calls.filter(([event]) => event === 'gateway.forward').map(([, fields]) => fields);
      expect(lines).toEqual([
        expect.objectContaining({ requestId: 'gw-audit-ok', bot: 'shop', action: 'orders.lookup', subject: 'alice', outcome: 'forwarded', status: 200 }),
        expect.objectContaining({ requestId: 'gw-audit-denied', bot: 'shop', action: 'orders.refund', outcome: 'permission_denied' }),
      ]);
      // The decision's own line carries the same id.
      const decisions = record.mock.calls.filter(([event]) => event === 'webhook.verify').map(([, fields]) => fields);
      expect(decisions).toEqual([
        expect.objectContaining({ requestId: 'gw-audit-ok', outcome: 'ok' }),
        expect.objectContaining({ requestId: 'gw-audit-denied', outcome: 'permission_denied' }),
      ]);
      expect(upstream.received.map((r) => r.headers['x-request-id'])).toEqual(['gw-audit-ok']);
      expect(JSON.stringify(record.mock.calls)).not.toContain(token);
    } finally {
      record.mockRestore();
    }
  });
});

describe('metrics', () => {
  it('counts forwarded calls, refusals by reason, upstream failures by kind and upstream latency', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/^chatwarden_gateway_forwarded_total [1-9]/m);
    expect(text).toMatch(/^chatwarden_gateway_refused_total\{reason="signature_invalid"\} [1-9]/m);
    expect(text).toMatch(/^chatwarden_gateway_upstream_failures_total\{kind="timeout"\} [1-9]/m);
    expect(text).toMatch(/^chatwarden_gateway_upstream_failures_total\{kind="unreachable"\} [1-9]/m);
    expect(text).toMatch(/^chatwarden_gateway_upstream_duration_seconds_count\{result="ok"\} [1-9]/m);
  });
});
