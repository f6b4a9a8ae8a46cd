/**
 * Hidden chat variables end to end: a fake Inbenta API on loopback (the
 * adapter only knows it by the URLs in the config) receives the token after a
 * login with the conversation's session token, after the trusted issue and
 * every refresh, and an empty value on logout and revocation. A failed push
 * never loses the login.
 */
import request from 'supertest';
import { cliUsers, formToken, loginConfig, resultData } from './login-support.js';
import { FakeInbenta } from './support/fake-inbenta.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SHOP = 'https://shop.example.com';
const PASSWORD = 'correct horse battery';

let fake: FakeInbenta;
let t: TestApp;
beforeAll(async () => {
  fake = await FakeInbenta.start({ sessions: ['conv-session-1', 'conv-session-2', 'conv-session-3', 'conv-session-4'] });
  t = await startTestApp(
    (config) => {
      loginConfig(config);
      const bots = config.bots as Record<string, Record<string, unknown>>;
      bots.shop.chat = { vendor: 'inbenta', variable: 'user_token', apiKey: { env: 'INBENTA_KEY' }, secret: { env: 'INBENTA_SECRET' }, authUrl: fake.authUrl };
    },
    { INBENTA_KEY: fake.apiKey, INBENTA_SECRET: fake.secret },
  );
  await cliUsers(t.config).add('alice', ['customer'], PASSWORD);
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const variableOf = (session: string) => fake.variables.get(session)?.get('user_token');
const issue = (body: Record<string, unknown>) =>
  request(t.url).post('/v1/tokens').set('authorization', `Bearer ${t.apiKeys.issue}`).send({ bot: 'shop', subject: 'alice', roles: ['customer'], ...body });

describe('server-side push of the token into the Inbenta chat variable', () => {
  it('a password login carrying the conversation pushes the token the browser receives', async () => {
    const page = await request(t.url).get('/login').query({ bot: 'shop', origin: SHOP, mode: 'popup', conversation: 'conv-session-1' });
    expect(page.status).toBe(200);
    const done = await request(t.url).post('/login').type('form').send({ formToken: formToken(page.text), username: 'alice', password: PASSWORD });
    expect(done.status).toBe(200);
    const result = resultData(done.text) as ReturnType<typeof resultData> & { chatVariable?: string };
    const { token } = result;
    expect(result.chatVariable).toBe('set');
    expect(variableOf('conv-session-1')).toBe(token);
    const push = fake.requestsTo('variables').at(-1)!;
    expect(push.headers['x-inbenta-session']).toBe('Bearer conv-session-1');
    expect(push.json).toEqual({ name: 'user_token', value: token });
  });

  it('issue and refresh push, logout blanks the variable', async () => {
    const issued = await issue({ chatSession: 'conv-session-2' });
    expect(issued.status).toBe(201);
    expect(issued.body.chatVariable).toBe('set');
    expect(variableOf('conv-session-2')).toBe(issued.body.token);

    const refreshed = await request(t.url).post('/v1/tokens/refresh').send({ token: issued.body.token });
    expect(refreshed.body.chatVariable).toBe('set');
    expect(variableOf('conv-session-2')).toBe(refreshed.body.token);

    await request(t.url).post('/logout').send({ token: refreshed.body.token }).expect(200);
    expect(variableOf('conv-session-2')).toBe('');
  });

  it('revocation blanks the variable', async () => {
    const issued = await issue({ chatSession: 'conv-session-3' });
    expect(variableOf('conv-session-3')).toBe(issued.body.token);
    await request(t.url).post('/v1/sessions/revoke').set('authorization', `Bearer ${t.apiKeys.revoke}`).send({ sessionId: issued.body.sessionId }).expect(200);
    expect(variableOf('conv-session-3')).toBe('');
  });

  it('a failed push keeps the login and says the variable was not set', async () => {
    fake.expireSession('conv-session-4');
    const issued = await issue({ chatSession: 'conv-session-4' });
    expect(issued.status).toBe(201);
    expect(issued.body.chatVariable).toBe('failed');
    const verified = await request(t.url).post('/v1/verify/token').set('authorization', `Bearer ${t.apiKeys.verify}`).send({ token: issued.body.token, bot: 'shop' });
    expect(verified.body.valid).toBe(true);

    fake.failNext('variables', 10, 503);
    const unavailable = await issue({ chatSession: 'conv-session-1' });
    expect([unavailable.status, unavailable.body.chatVariable]).toEqual([201, 'failed']);
  });

  it('without a chat session nothing is pushed and the answer has no chatVariable', async () => {
    const before = fake.requestsTo('variables').length;
    const issued = await issue({});
    expect(issued.body.chatVariable).toBeUndefined();
    expect(fake.requestsTo('variables')).toHaveLength(before);
  });
});
