/**
 * The webhook gateway on two instances behind one Redis (and one keys dir),
 * as behind a load balancer: a delivery is forwarded once whichever instance
 * the vendor's retry reaches (the replay id is shared), and an assertion
 * made by either instance verifies against the other's JWKS.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { SigningKeyAdmin } from '../src/keys/signing-key-admin.service.js';
import { verifyAssertion } from '../client/src/assertion.js';
import { redisAvailable, redisUrl } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const haveRedis = await redisAvailable();
const describeWithRedis = haveRedis ? describe : describe.skip;
const WHSEC = `whsec_${Buffer.alloc(32, 0x5a).toString('base64')}`;

describeWithRedis('the gateway on two instances sharing Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let upstream: Server;
  const received: Array<Record<string, string | string[] | undefined>> = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(req.headers);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    const adjust = (config: Record<string, unknown>) => {
      config.store = redisUrl;
      const bots = config.bots as Record<string, Record<string, unknown>>;
      bots.shop.webhook = { scheme: 'standard-webhooks', secrets: [WHSEC] };
      bots.shop.gateway = { upstream: `http://127.0.0.1:${port}/chat`, timeoutSeconds: 2, audience: 'orders-handlers' };
    };
    a = await startTestApp(adjust);
    b = await startTestApp((config) => {
      adjust(config);
      config.keysDir = a.keysDir;
    });
    await a.app.get(SigningKeyAdmin).rotate('ES256', 0);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
  });

  const hook = (t: TestApp, body: string, headers: Record<string, string>) =>
    fetch(`${t.url}/hooks/shop/orders.lookup`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('forwards a delivery once across both instances, and each verifies with the shared signing key', async () => {
    const issued = await fetch(`${a.url}/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a.apiKeys.issue}` },
      body: JSON.stringify({ bot: 'shop', subject: 'alice', roles: ['customer'] }),
    });
    const { token } = (await issued.json()) as { token: string };
    const body = JSON.stringify({ user_token: token });
    const id = `msg_${randomUUID()}`;
    const at = new Date();
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(WHSEC).sign(id, at, body) };

    // B loads the signing key A created (file watch or the store's nudge).
    let first: Response | undefined;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      const fresh = `msg_${randomUUID()}`;
      const probe = await hook(b, body, { ...headers, 'webhook-id': fresh, 'webhook-signature': new Webhook(WHSEC).sign(fresh, at, body) });
      if (probe.status === 200) {
        first = probe;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(first?.status).toBe(200);
    received.length = 0;

    expect((await hook(a, body, headers)).status).toBe(200);
    const again = await hook(b, body, headers);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: 'replayed' });
    expect(received).toHaveLength(1);

    const fresh = `msg_${randomUUID()}`;
    expect((await hook(b, body, { ...headers, 'webhook-id': fresh, 'webhook-signature': new Webhook(WHSEC).sign(fresh, at, body) })).status).toBe(200);
    for (const [headersOf, jwksOf] of [
      [received[0], b],
      [received[1], a],
    ] as const) {
      const user = await verifyAssertion(headersOf, { jwksUrl: new URL('/.well-known/jwks.json', jwksOf.url), audience: 'orders-handlers', issuer: jwksOf.config.publicUrl });
      expect(user.subject).toBe('alice');
    }
  }, 30_000);
});
