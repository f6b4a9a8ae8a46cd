/**
 * GET /metrics on a real listening port: counters move as requests happen
 * (verify outcomes by code and latency, the key id that decrypted, logins,
 * failures and lockouts, Chat API pushes, store errors, per-route latency),
 * and no label ever carries a subject, token, API key or password.
 */
import request from 'supertest';
import { Store } from '../src/store/store.js';
import { cliUsers, formToken, loginConfig } from './login-support.js';
import { FakeInbenta } from './support/fake-inbenta.js';
import { readTokenKey } from './support/jwe-forge.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SHOP = 'https://shop.example.com';
const PASSWORD = 'metrics horse battery staple';

let fake: FakeInbenta;
let t: TestApp;
let ipCounter = 0;
const freshIp = () => `203.0.113.${++ipCounter}`;

beforeAll(async () => {
  fake = await FakeInbenta.start({ sessions: ['conv-live-1'] });
  t = await startTestApp(
    (config) => {
      loginConfig(config);
      const bots = config.bots as Record<string, Record<string, unknown>>;
      bots.shop.chat = { vendor: 'inbenta', variable: 'user_token', apiKey: { env: 'INBENTA_KEY' }, secret: { env: 'INBENTA_SECRET' }, authUrl: fake.authUrl };
    },
    { INBENTA_KEY: fake.apiKey, INBENTA_SECRET: fake.secret },
  );
  await cliUsers(t.config).add('alice', ['customer'], PASSWORD);
  await cliUsers(t.config).add('mallory-target', ['customer'], PASSWORD);
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

async function scrape(): Promise<string> {
  const response = await request(t.url).get('/metrics');
  expect(response.status).toBe(200);
  return response.text;
}

/** The value of the series `name` whose labels are exactly `labels`; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`).sort().join(',');
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = (match[2] ?? '').split(/,(?=[A-Za-z_]\w*=")/).filter(Boolean).sort().join(',');
    if (got === wanted) return Number(match[3]);
  }
  return undefined;
}

/** How much `name{labels}` grew while `act` ran (an absent series counts as 0). */
async function growth(name: string, labels: Record<string, string>, act: () => Promise<unknown>): Promise<number> {
  const before = sample(await scrape(), name, labels) ?? 0;
  await act();
  return (sample(await scrape(), name, labels) ?? 0) - before;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const issue = (body: Record<string, unknown> = {}) =>
  request(t.url).post('/v1/tokens').set(bearer(t.apiKeys.issue)).send({ bot: 'shop', subject: 'alice', roles: ['customer'], ...body });
const verify = (body: Record<string, unknown>, key = t.apiKeys.verify) => request(t.url).post('/v1/verify/token').set(bearer(key)).send({ bot: 'shop', ...body });

async function passwordLogin(username: string, password: string, ip = freshIp()) {
  const page = await request(t.url).get('/login').query({ bot: 'shop', origin: SHOP, mode: 'iframe' }).set('x-forwarded-for', ip);
  expect(page.status).toBe(200);
  return request(t.url).post('/login').set('x-forwarded-for', ip).type('form').send({ formToken: formToken(page.text), username, password });
}

describe('GET /metrics', () => {
  it('answers without an API key in the Prometheus text format, with process metrics and every family at zero', async () => {
    const response = await request(t.url).get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    const text = response.text;
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(sample(text, 'chatwarden_verify_token_total', { code: 'token_expired' })).toBe(0);
    expect(sample(text, 'chatwarden_verify_token_duration_seconds_count', { result: 'refused' })).toBe(0);
    expect(sample(text, 'chatwarden_store_errors_total')).toBe(0);
    for (const family of ['chatwarden_token_key_decryptions_total', 'chatwarden_signature_verifications_total', 'chatwarden_logins_total', 'chatwarden_login_failures_total', 'chatwarden_login_lockouts_total', 'chatwarden_chat_api_pushes_total', 'chatwarden_http_request_duration_seconds']) {
      expect(text).toContain(`# HELP ${family} `);
    }
  });
});

describe('token verification', () => {
  it('counts a valid verify by code, its latency under `valid`, and the key id that decrypted the token', async () => {
    const { body: issued } = await issue();
    const { kid } = readTokenKey(t.keysDir);
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await verify({ token: issued.token, bot: 'shop', action: 'orders.lookup' })).status).toBe(200);
    const after = await scrape();
    const grew = (name: string, labels: Record<string, string>) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(grew('chatwarden_verify_token_total', { code: 'valid' })).toBe(3);
    expect(grew('chatwarden_verify_token_duration_seconds_count', { result: 'valid' })).toBe(3);
    expect(grew('chatwarden_verify_token_duration_seconds_bucket', { result: 'valid', le: '+Inf' })).toBe(3);
    expect(grew('chatwarden_verify_token_duration_seconds_sum', { result: 'valid' })).toBeGreaterThan(0);
    expect(grew('chatwarden_token_key_decryptions_total', { kid })).toBe(3);
  });

  it('counts refusals by their error code, under `refused` latency', async () => {
    const { body: issued } = await issue();
    expect(await growth('chatwarden_verify_token_total', { code: 'token_malformed' }, () => verify({ token: 'not-a-token' }))).toBe(1);
    expect(await growth('chatwarden_verify_token_total', { code: 'token_missing' }, () => verify({ token: '' }))).toBe(1);
    expect(await growth('chatwarden_verify_token_total', { code: 'wrong_bot' }, () => verify({ token: issued.token, bot: 'other' }))).toBe(1);
    expect(await growth('chatwarden_verify_token_total', { code: 'api_key_invalid' }, () => verify({ token: issued.token }, 'cwk_000000000000_nope'))).toBe(1);
    expect(await growth('chatwarden_verify_token_total', { code: 'invalid_request' }, () => verify({ token: 42 }))).toBe(1);
    expect(await growth('chatwarden_verify_token_duration_seconds_count', { result: 'refused' }, () => verify({ token: 'x.y.z.w.v' }))).toBe(1);
  });

  it('a refused token is not counted against any key id', async () => {
    const { kid } = readTokenKey(t.keysDir);
    const { body: issued } = await issue();
    expect(await growth('chatwarden_token_key_decryptions_total', { kid }, () => verify({ token: issued.token, bot: 'other' }))).toBe(0);
  });
});

describe('logins', () => {
  it('counts a password login by method and failures by reason', async () => {
    expect(await growth('chatwarden_logins_total', { method: 'pwd' }, async () => expect((await passwordLogin('alice', PASSWORD)).status).toBe(200))).toBe(1);
    expect(await growth('chatwarden_login_failures_total', { reason: 'wrong_password' }, () => passwordLogin('alice', 'not the password'))).toBe(1);
    expect(await growth('chatwarden_login_failures_total', { reason: 'unknown_user' }, () => passwordLogin('nobody-here', PASSWORD))).toBe(1);
  });

  it('counts a lockout by scope once, then refusals while locked', async () => {
    const ip = freshIp();
    const lockouts = await growth('chatwarden_login_lockouts_total', { scope: 'pair' }, async () => {
      for (let i = 0; i < 3; i++) await passwordLogin('mallory-target', 'guess-' + i, ip);
    });
    expect(lockouts).toBe(1);
    expect(await growth('chatwarden_login_failures_total', { reason: 'locked' }, async () => expect((await passwordLogin('mallory-target', PASSWORD, ip)).status).toBe(429))).toBe(1);
  });
});

describe('Chat API pushes', () => {
  it('counts a push to a live conversation as ok and one to an ended conversation by its error code', async () => {
    expect(await growth('chatwarden_chat_api_pushes_total', { operation: 'push', vendor: 'inbenta', result: 'ok' }, () => issue({ chatSession: 'conv-live-1' }))).toBe(1);
    expect(await growth('chatwarden_chat_api_pushes_total', { operation: 'push', vendor: 'inbenta', result: 'session_expired' }, () => issue({ chatSession: 'conv-gone' }))).toBe(1);
  });
});

describe('store errors', () => {
  it('counts what the store reports through onError', async () => {
    const store = t.app.get(Store);
    await store.subscribe('metrics-test', () => {
      throw new Error('listener failed');
    });
    const grew = await growth('chatwarden_store_errors_total', {}, async () => {
      await store.publish('metrics-test', 'ping');
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    expect(grew).toBe(1);
  });
});

describe('per-route latency', () => {
  it('times other routes by route pattern and status, and leaves the verify hot path to its own histogram', async () => {
    const labels = { method: 'POST', route: '/v1/tokens', status: '201' };
    expect(await growth('chatwarden_http_request_duration_seconds_count', labels, () => issue())).toBe(1);
    const text = await scrape();
    expect(sample(text, 'chatwarden_http_request_duration_seconds_count', { method: 'GET', route: '/health/live', status: '200' })).toBeUndefined();
    await request(t.url).get('/health/live');
    expect(sample(await scrape(), 'chatwarden_http_request_duration_seconds_count', { method: 'GET', route: '/health/live', status: '200' })).toBe(1);
    expect(await scrape()).not.toContain('route="/v1/verify/token"');
  });
});

describe('labels', () => {
  it('never carry a subject, token, session id, API key or password', async () => {
    const { body: issued } = await issue({ subject: 'subject-in-no-label-7f3a' });
    await verify({ token: issued.token });
    await verify({ token: issued.token, bot: 'shop-not-configured-91c2' });
    await passwordLogin('username-in-no-label-2b8e', PASSWORD);
    const text = await scrape();
    for (const secret of [issued.token, issued.sessionId, 'subject-in-no-label-7f3a', 'username-in-no-label-2b8e', 'shop-not-configured-91c2', PASSWORD, ...Object.values(t.apiKeys)]) {
      expect(text).not.toContain(secret);
    }
  });
});
