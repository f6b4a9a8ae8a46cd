/**
 * Two instances sharing Redis and the keys dir, as behind a load balancer:
 * revocation on one is seen by the other, lockout counts failures from both,
 * and a key rotation under load fails no request — tokens of the old key keep
 * working, new tokens carry the new kid on both instances.
 */
import request from 'supertest';
import { TokenKeyAdmin } from '../src/keys/token-key-admin.service.js';
import { cliUsers, formToken, loginConfig } from './login-support.js';
import { redisAvailable, redisUrl } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const haveRedis = await redisAvailable();
const describeWithRedis = haveRedis ? describe : describe.skip;
const SHOP = 'https://shop.example.com';
const PASSWORD = 'correct horse battery';
/** A client IP of this run only (trustProxy believes loopback): Redis keeps per-IP counters between runs. */
const clientIp = `198.18.${process.pid % 250}.${Math.floor(Math.random() * 250) + 1}`;
const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid as string;

describeWithRedis('two instances on one Redis', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp((config) => {
      config.store = redisUrl;
      loginConfig(config);
    });
    b = await startTestApp((config) => {
      config.store = redisUrl;
      config.keysDir = a.keysDir;
      loginConfig(config);
    });
    await cliUsers(a.config).add(`frank-${process.pid}`, ['customer'], PASSWORD);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const issueOn = (t: TestApp, subject = 'grace') =>
    request(t.url).post('/v1/tokens').set('authorization', `Bearer ${t.apiKeys.issue}`).send({ bot: 'shop', subject, roles: ['customer'] });
  const verifyOn = (t: TestApp, token: string) =>
    request(t.url).post('/v1/verify/token').set('authorization', `Bearer ${t.apiKeys.verify}`).send({ token, bot: 'shop', action: 'orders.lookup' });

  it('a token issued on one instance verifies on the other; revoked on one, rejected on the other', async () => {
    const issued = (await issueOn(a)).body;
    expect((await verifyOn(b, issued.token)).body.valid).toBe(true);
    await request(b.url).post('/v1/sessions/revoke').set('authorization', `Bearer ${b.apiKeys.revoke}`).send({ sessionId: issued.sessionId }).expect(200);
    expect((await verifyOn(a, issued.token)).body.error).toBe('session_revoked');
  });

  it('lockout counts failures made on both instances', async () => {
    const username = `frank-${process.pid}`;
    const attempt = async (t: TestApp, password: string) => {
      const page = await request(t.url).get('/login').query({ bot: 'shop', origin: SHOP }).set('x-forwarded-for', clientIp);
      return request(t.url).post('/login').set('x-forwarded-for', clientIp).type('form').send({ formToken: formToken(page.text), username, password });
    };
    expect((await attempt(a, 'wrong 1')).status).toBe(401);
    expect((await attempt(b, 'wrong 2')).status).toBe(401);
    expect((await attempt(a, 'wrong 3')).status).toBe(429);
    expect((await attempt(b, PASSWORD)).status).toBe(429);
  });

  it('a form token issued by one instance is accepted once, by the other', async () => {
    const page = await request(a.url).get('/login').query({ bot: 'shop', origin: SHOP });
    const form = { formToken: formToken(page.text), username: 'nobody', password: 'x' };
    const ip = `198.19.${process.pid % 250}.${Math.floor(Math.random() * 250) + 1}`;
    expect((await request(b.url).post('/login').set('x-forwarded-for', ip).type('form').send(form)).status).toBe(401);
    expect((await request(a.url).post('/login').set('x-forwarded-for', ip).type('form').send(form)).status).toBe(400);
  });

  it('rotating keys under load on both instances fails no request', async () => {
    const oldTokens = await Promise.all([issueOn(a, 'old-a'), issueOn(b, 'old-b')]).then((r) => r.map((x) => x.body.token as string));
    const oldKid = kidOf(oldTokens[0]);
    const failures: string[] = [];
    const newKids = new Set<string>();
    let requests = 0;
    let running = true;

    const worker = async (t: TestApp, other: TestApp) => {
      while (running) {
        const issued = await issueOn(t, 'load');
        requests += 1;
        if (issued.status !== 201) {
          failures.push(`issue ${issued.status} ${issued.body.error}`);
          continue;
        }
        newKids.add(kidOf(issued.body.token));
        for (const token of [issued.body.token, ...oldTokens]) {
          const verified = await verifyOn(other, token);
          requests += 1;
          if (verified.status !== 200) failures.push(`verify ${verified.status} ${verified.body.error}`);
        }
      }
    };
    const load = Promise.all([worker(a, b), worker(b, a), worker(a, a), worker(b, b)]);
    await new Promise((r) => setTimeout(r, 500));
    const rotated = await a.app.get(TokenKeyAdmin).rotate(5);
    await new Promise((r) => setTimeout(r, 7000));
    running = false;
    await load;

    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(100);
    expect(newKids).toEqual(new Set([oldKid, rotated.kid]));
    for (const t of [a, b]) expect(kidOf((await issueOn(t)).body.token)).toBe(rotated.kid);
    for (const token of oldTokens) expect((await verifyOn(b, token)).body.valid).toBe(true);
  });
});
