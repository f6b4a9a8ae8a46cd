/**
 * The login page over HTTP on a real listening port: the page and its CSP,
 * every bad input of the issue as a friendly 4xx page, password login end to
 * end (token verified by the API), uniform failures, single-use form tokens,
 * lockout per account and address, per account and per client IP, and
 * users-file changes picked up without a restart.
 */
import { jest } from '@jest/globals';
import request from 'supertest';
import { AuditLog } from '../src/observability/audit-log.js';
import { Store, StoreUnavailableError } from '../src/store/store.js';
import { PasswordHasher } from '../src/users/password-hasher.js';
import { LoginCompletionService } from '../src/login/login-completion.service.js';
import { cliUsers, formToken, loginConfig, resultData } from './login-support.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SHOP = 'https://shop.example.com';
const PASSWORD = 'correct horse battery';

let t: TestApp;
let ipCounter = 0;
/** A fresh client IP per test (trustProxy believes 127.0.0.1), so lockouts of one test do not leak into another. */
const freshIp = () => `198.51.100.${++ipCounter}`;

beforeAll(async () => {
  t = await startTestApp((config) => {
    loginConfig(config);
    config.sso = { corp: { issuer: 'https://idp.example.com', clientId: 'chatwarden' } };
  });
  const users = cliUsers(t.config);
  await users.add('alice', ['customer'], PASSWORD);
  await users.add('bob', ['support'], PASSWORD);
  await users.add('carol', ['customer'], PASSWORD);
  await users.setDisabled('carol', true);
});
afterAll(() => t.close());

function loginPage(query: Record<string, string> = { bot: 'shop', origin: SHOP }, ip = freshIp()) {
  return request(t.url).get('/login').query(query).set('x-forwarded-for', ip);
}

async function freshForm(query: Record<string, string> = { bot: 'shop', origin: SHOP, mode: 'iframe' }): Promise<string> {
  const page = await loginPage(query);
  expect(page.status).toBe(200);
  return formToken(page.text);
}

async function submit(fields: Record<string, string>, ip = freshIp()) {
  const token = fields.formToken ?? (await freshForm());
  return request(t.url).post('/login').set('x-forwarded-for', ip).type('form').send({ formToken: token, ...fields });
}

function verify(token: string) {
  return request(t.url).post('/v1/verify/token').set({ authorization: `Bearer ${t.apiKeys.verify}` }).send({ token, bot: 'shop' });
}

/** A friendly HTML page, never the API's JSON error or a stack trace. */
function expectFriendlyPage(response: request.Response, status: number, text: RegExp) {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^text\/html/);
  expect(response.headers['content-security-policy']).toContain("default-src 'none'");
  expect(response.text).toMatch(text);
  expect(response.text).not.toMatch(/"error":|\bat .+:\d+:\d+|stack/i);
}

const GENERIC_FAILURE = /The username or password is not correct\./;

describe('GET /login', () => {
  it('serves the page with a CSP naming exactly the bot origins as frame ancestors', async () => {
    const response = await loginPage({ bot: 'shop', origin: SHOP, mode: 'iframe' });
    expect(response.status).toBe(200);
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors https://shop.example.com",
    );
    expect(response.headers['x-frame-options']).toBeUndefined();
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it('has no inline script or style, labelled fields, and escapes the configured title', async () => {
    const { text } = await loginPage();
    for (const tag of text.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/assets\/|type="application\/json"/);
    expect(text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(text).toContain('<label for="username">');
    expect(text).toContain('<label for="password">');
    expect(text).toContain('autocomplete="current-password"');
    expect(text).toContain('Shop &lt;Assistant&gt; &amp; &quot;Co&quot;');
    expect(text).not.toContain('<Assistant>');
    expect(text).toContain('href="/assets/theme/shop.css"');
  });

  it('links each SSO provider as a popup flow with the same bot, origin and conversation', async () => {
    const iframe = await loginPage({ bot: 'shop', origin: SHOP, mode: 'iframe', conversation: 'conv-42' });
    expect(iframe.text).toContain(
      'href="/sso/corp/start?bot=shop&amp;origin=https%3A%2F%2Fshop.example.com&amp;mode=popup&amp;conversation=conv-42" target="_blank" rel="opener">Sign in with Corp</a>',
    );
  });

  it('serves its stylesheet and scripts from this origin', async () => {
    for (const [path, type] of [
      ['/assets/login.css', /text\/css/],
      ['/assets/login.js', /javascript/],
      ['/assets/complete.js', /javascript/],
      ['/assets/theme/shop.css', /text\/css/],
    ] as const) {
      const response = await request(t.url).get(path);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(type);
    }
    expect((await request(t.url).get('/assets/theme/shop.css')).text).toContain('--primary: #ffcc00; --on-primary: #000000;');
    expect((await request(t.url).get('/assets/theme/other.css')).status).toBe(404);
  });

  it.each([
    ['no bot', { origin: SHOP }, /This assistant is not configured/],
    ['an unknown bot', { bot: 'nope', origin: SHOP }, /This assistant is not configured/],
    ['a bot name that is an object property', { bot: 'constructor', origin: SHOP }, /This assistant is not configured/],
    ['no origin', { bot: 'shop' }, /not allowed to use this sign-in page/],
    ["another bot's origin", { bot: 'shop', origin: 'https://other.example.com' }, /not allowed/],
    ['a longer host', { bot: 'shop', origin: 'https://shop.example.com.evil.test' }, /not allowed/],
    ['a trailing slash', { bot: 'shop', origin: 'https://shop.example.com/' }, /not allowed/],
    ['another scheme', { bot: 'shop', origin: 'http://shop.example.com' }, /not allowed/],
    ['upper case', { bot: 'shop', origin: 'HTTPS://SHOP.EXAMPLE.COM' }, /not allowed/],
    ['a wildcard', { bot: 'shop', origin: '*' }, /not allowed/],
    ['a path', { bot: 'shop', origin: 'https://shop.example.com/login' }, /not allowed/],
    ['an unknown mode', { bot: 'shop', origin: SHOP, mode: 'redirect' }, /mode must be popup or iframe/],
    ['a conversation with spaces', { bot: 'shop', origin: SHOP, conversation: 'a b' }, /conversation id is not valid/],
    ['an oversized conversation', { bot: 'shop', origin: SHOP, conversation: 'c'.repeat(513) }, /conversation id is not valid/],
  ])('refuses %s with a friendly 400 page', async (_case, query, message) => {
    const response = await loginPage(query as Record<string, string>);
    expectFriendlyPage(response, 400, message);
    expect(response.text).not.toContain('name="formToken"');
  });

  it('refuses a repeated parameter', async () => {
    const response = await request(t.url).get('/login?bot=shop&bot=other&origin=https%3A%2F%2Fshop.example.com');
    expectFriendlyPage(response, 400, /not configured/);
  });

  it('an error page without a validated origin may not be framed by anyone', async () => {
    const response = await loginPage({ bot: 'shop', origin: 'https://evil.example.net' });
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});

describe('POST /login', () => {
  it('logs in, hands the token to the validated origin in the page body, and the token verifies', async () => {
    const response = await submit({ username: 'Alice', password: PASSWORD });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['content-security-policy']).toContain('frame-ancestors https://shop.example.com');
    expect(response.headers.location).toBeUndefined();
    const result = resultData(response.text);
    expect(result).toMatchObject({ type: 'chatwarden:token', origin: SHOP, mode: 'iframe' });
    expect(response.text).toContain('<script src="/assets/complete.js" defer></script>');
    const verified = await verify(result.token);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ subject: 'alice', bot: 'shop', authMethod: 'pwd', permissions: ['account:read', 'orders:read'] });
    expect(verified.body.expiresAt).toBe(result.expiresAt);
  });

  it('carries mode and conversation from the page into the completion', async () => {
    const completion = t.app.get(LoginCompletionService);
    const spy = jest.spyOn(completion, 'complete');
    try {
      const form = await freshForm({ bot: 'shop', origin: SHOP, mode: 'popup', conversation: 'inbenta-session-1' });
      const response = await submit({ formToken: form, username: 'bob', password: PASSWORD });
      expect(response.status).toBe(200);
      expect(spy).toHaveBeenCalledWith({
        bot: 'shop', origin: SHOP, mode: 'popup', conversation: 'inbenta-session-1', subject: 'bob',
        roles: ['support'], amr: 'pwd',
      });
      expect(resultData(response.text).mode).toBe('popup');
    } finally {
      spy.mockRestore();
    }
  });

  it('answers unknown user, wrong password and disabled user alike, each after one argon2 verify', async () => {
    const hasher = t.app.get(PasswordHasher);
    const verifySpy = jest.spyOn(hasher, 'verify');
    const dummySpy = jest.spyOn(hasher, 'verifyAgainstDummy');
    const audit = jest.spyOn(t.app.get(AuditLog), 'record');
    try {
      const pages: string[] = [];
      for (const username of ['nobody', 'alice', 'carol']) {
        const password = username === 'carol' ? PASSWORD : 'wrong password';
        const response = await submit({ username, password });
        expectFriendlyPage(response, 401, GENERIC_FAILURE);
        // The form comes back with a fresh token and the username kept.
        expect(response.text).toContain(`value="${username}"`);
        pages.push(response.text.replace(/name="formToken" value="[^"]+"/, '').replace(`value="${username}"`, ''));
      }
      expect(pages[1]).toBe(pages[0]);
      expect(pages[2]).toBe(pages[0]);
      expect(dummySpy).toHaveBeenCalledTimes(1);
      expect(verifySpy).toHaveBeenCalledTimes(2);
      const reasons = audit.mock.calls.filter(([event]) => event === 'login.failure').map(([, fields]) => fields?.reason);
      expect(reasons).toEqual(['unknown_user', 'wrong_password', 'disabled']);
      expect(JSON.stringify(audit.mock.calls)).not.toContain('wrong password');
    } finally {
      verifySpy.mockRestore();
      dummySpy.mockRestore();
      audit.mockRestore();
    }
  });

  it('takes about as long for an unknown user as for a wrong password', async () => {
    const timed = async (username: string) => {
      const form = await freshForm();
      const started = process.hrtime.bigint();
      await submit({ formToken: form, username, password: 'wrong password' });
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const users = cliUsers(t.config);
    const unknown: number[] = [];
    const known: number[] = [];
    // One attempt per account, so no lockout cuts an attempt short.
    for (let i = 0; i < 5; i++) {
      await users.add(`timed${i}`, ['customer'], PASSWORD);
      unknown.push(await timed(`ghost${i}`));
      known.push(await timed(`timed${i}`));
    }
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
    expect(median(known)).toBeGreaterThan(median(unknown) * 0.5);
  });

  it('refuses a replayed form token, even after a successful login', async () => {
    const form = await freshForm();
    expect((await submit({ formToken: form, username: 'alice', password: PASSWORD })).status).toBe(200);
    const replay = await submit({ formToken: form, username: 'alice', password: PASSWORD, bot: 'shop', origin: SHOP, mode: 'iframe' });
    expectFriendlyPage(replay, 400, /expired or was already used/);
    expect(replay.text).toContain('href="/login?bot=shop&amp;origin=https%3A%2F%2Fshop.example.com&amp;mode=iframe"');
    expect(replay.headers['content-security-policy']).toContain('frame-ancestors https://shop.example.com');
  });

  it('refuses the form token of a failed attempt a second time', async () => {
    const form = await freshForm();
    expect((await submit({ formToken: form, username: 'alice', password: 'nope nope' })).status).toBe(401);
    expectFriendlyPage(await submit({ formToken: form, username: 'alice', password: PASSWORD }), 400, /expired or was already used/);
  });

  it('refuses a forged form token', async () => {
    expectFriendlyPage(await submit({ formToken: 'A'.repeat(32), username: 'alice', password: PASSWORD }), 400, /expired or was already used/);
    expectFriendlyPage(await submit({ formToken: '../../etc', username: 'alice', password: PASSWORD }), 400, /expired or was already used/);
  });

  it.each([
    ['an oversized username', { username: 'a'.repeat(129), password: PASSWORD }],
    ['an oversized password', { username: 'alice', password: 'p'.repeat(1025) }],
    ['an oversized form token', { formToken: 'f'.repeat(65), username: 'alice', password: PASSWORD }],
    ['a missing password', { username: 'alice' }],
    ['an empty username', { username: '', password: PASSWORD }],
  ])('refuses %s with a friendly 400 page', async (_case, fields) => {
    expectFriendlyPage(await submit(fields as Record<string, string>), 400, /missing or too long/);
  });

  it('refuses a repeated field', async () => {
    const form = await freshForm();
    const response = await request(t.url)
      .post('/login')
      .type('form')
      .send(`formToken=${form}&username=alice&username=bob&password=${encodeURIComponent(PASSWORD)}`);
    expectFriendlyPage(response, 400, /missing or too long/);
  });

  it.each([
    ['JSON', 'application/json', () => JSON.stringify({ username: 'alice', password: PASSWORD })],
    ['plain text', 'text/plain', () => 'username=alice'],
    ['multipart', 'multipart/form-data; boundary=x', () => '--x\r\nContent-Disposition: form-data; name="username"\r\n\r\nalice\r\n--x--\r\n'],
  ])('refuses %s with a friendly 415 page', async (_case, type, body) => {
    const response = await request(t.url).post('/login').set('content-type', type).send(body());
    expectFriendlyPage(response, 415, /content type is not accepted/);
  });

  it('refuses an oversized body with a friendly 413 page', async () => {
    const response = await request(t.url).post('/login').type('form').send(`username=${'a'.repeat(600 * 1024)}`);
    expectFriendlyPage(response, 413, /too large/);
  });
});

describe('embed.js and its CORS', () => {
  it('serves embed.js as a script any site may load', async () => {
    const response = await request(t.url).get('/embed.js');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.text).toContain('chatwarden');
    expect(response.text).not.toMatch(/\bimport\b|require\(/);
  });

  it('answers the refresh and logout preflights for a bot origin only', async () => {
    for (const path of ['/v1/tokens/refresh', '/logout']) {
      const allowed = await request(t.url).options(path).set({ origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe(SHOP);
      expect(allowed.headers['access-control-allow-headers']).toBe('content-type');
      expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();
      const refused = await request(t.url).options(path).set({ origin: 'https://evil.example.net', 'access-control-request-method': 'POST' });
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    }
    const verifyRoute = await request(t.url).options('/v1/verify/token').set({ origin: SHOP, 'access-control-request-method': 'POST' });
    expect(verifyRoute.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('lockout', () => {
  it('locks the account for one address after the configured failures, says when to retry, and the owner still signs in elsewhere', async () => {
    const users = cliUsers(t.config);
    await users.add('dave', ['customer'], PASSWORD);
    const audit = jest.spyOn(t.app.get(AuditLog), 'record');
    const attacker = freshIp();
    try {
      expect((await submit({ username: 'dave', password: 'wrong one' }, attacker)).status).toBe(401);
      expect((await submit({ username: 'dave', password: 'wrong two' }, attacker)).status).toBe(401);
      const third = await submit({ username: 'dave', password: 'wrong three' }, attacker);
      expectFriendlyPage(third, 429, /Too many failed sign-in attempts\. Please try again in 2 minutes\./);
      expect(third.headers['retry-after']).toBe('120');
      // From that address even the right password is refused while the ban lasts.
      const locked = await submit({ username: 'DAVE', password: PASSWORD }, attacker);
      expectFriendlyPage(locked, 429, /Please try again in 2 minutes/);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(100);
      expect(audit.mock.calls.filter(([event]) => event === 'login.lockout')).toEqual([
        ['login.lockout', { scope: 'pair', account: expect.stringMatching(/^[0-9a-f]{32}$/), ip: attacker, banSeconds: 120 }],
      ]);
      // Dave from his own address, and another account from the attacker's, are unaffected.
      expect((await submit({ username: 'dave', password: PASSWORD })).status).toBe(200);
      expect((await submit({ username: 'alice', password: PASSWORD }, attacker)).status).toBe(200);
    } finally {
      audit.mockRestore();
    }
  });

  it('locks the account everywhere when the failures come from many addresses', async () => {
    const users = cliUsers(t.config);
    await users.add('gina', ['customer'], PASSWORD);
    const audit = jest.spyOn(t.app.get(AuditLog), 'record');
    try {
      for (let i = 0; i < 5; i++) expect((await submit({ username: 'gina', password: `spread guess ${i}` })).status).toBe(401);
      expectFriendlyPage(await submit({ username: 'gina', password: 'spread guess 5' }), 429, /Please try again in 2 minutes/);
      expectFriendlyPage(await submit({ username: 'gina', password: PASSWORD }), 429, /Too many failed/);
      expect(audit.mock.calls.filter(([event]) => event === 'login.lockout')).toEqual([
        ['login.lockout', { scope: 'account', account: expect.stringMatching(/^[0-9a-f]{32}$/), banSeconds: 120 }],
      ]);
    } finally {
      audit.mockRestore();
    }
  });

  it('locks unknown usernames the same way (no hint that the account does not exist)', async () => {
    const ip = freshIp();
    for (let i = 0; i < 2; i++) expect((await submit({ username: 'ghost', password: 'x'.repeat(8) }, ip)).status).toBe(401);
    expectFriendlyPage(await submit({ username: 'ghost', password: 'x'.repeat(8) }, ip), 429, /Too many failed/);
  });

  it('a successful login clears the failures of that account from that address', async () => {
    const users = cliUsers(t.config);
    await users.add('erin', ['customer'], PASSWORD);
    const ip = freshIp();
    for (let round = 0; round < 2; round++) {
      expect((await submit({ username: 'erin', password: 'wrong' + 'x'.repeat(8) }, ip)).status).toBe(401);
      expect((await submit({ username: 'erin', password: 'wrong' + 'y'.repeat(8) }, ip)).status).toBe(401);
      expect((await submit({ username: 'erin', password: PASSWORD }, ip)).status).toBe(200);
    }
  });

  it('locks a client IP after failures across many usernames', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await submit({ username: `spray${i}`, password: 'Summer2024!' }, ip)).status).toBe(401);
    expectFriendlyPage(await submit({ username: 'spray5', password: 'Summer2024!' }, ip), 429, /Too many failed/);
    // Banned IP: even a right password is refused; the same user elsewhere is fine.
    expect((await submit({ username: 'bob', password: PASSWORD }, ip)).status).toBe(429);
    expect((await submit({ username: 'bob', password: PASSWORD }, freshIp())).status).toBe(200);
  });

  it('counts the failures of one account from one IPv6 /64 as one address', async () => {
    const users = cliUsers(t.config);
    await users.add('hank', ['customer'], PASSWORD);
    for (let i = 1; i <= 3; i++) await submit({ username: 'hank', password: `v6 guess ${i}` }, `2001:db8:7:7::${i}`);
    expect((await submit({ username: 'hank', password: PASSWORD }, '2001:db8:7:7:ffff::1')).status).toBe(429);
    expect((await submit({ username: 'hank', password: PASSWORD }, '2001:db8:7:8::1')).status).toBe(200);
  });

  it('fails closed when the counters cannot be read or written: 503, never a login or an uncounted 401', async () => {
    const store = t.app.get(Store);
    const read = jest.spyOn(store, 'ttl').mockRejectedValue(new StoreUnavailableError());
    try {
      expectFriendlyPage(await submit({ username: 'alice', password: PASSWORD }), 503, /try again in a moment/);
    } finally {
      read.mockRestore();
    }
    const write = jest.spyOn(store, 'increment').mockRejectedValue(new StoreUnavailableError());
    try {
      expectFriendlyPage(await submit({ username: 'alice', password: 'not the password' }), 503, /try again in a moment/);
    } finally {
      write.mockRestore();
    }
  });

  it('groups IPv6 clients by /64', async () => {
    for (let i = 0; i < 5; i++) expect((await submit({ username: `v6user${i}`, password: 'Summer2024!' }, `2001:db8:1:2::${i + 1}`)).status).toBe(401);
    expect((await submit({ username: 'v6user5', password: 'Summer2024!' }, '2001:db8:1:2:abcd::1')).status).toBe(429);
    expect((await submit({ username: 'bob', password: PASSWORD }, '2001:db8:1:2:ffff::9')).status).toBe(429);
    expect((await submit({ username: 'bob', password: PASSWORD }, '2001:db8:1:3::1')).status).toBe(200);
  });
});

describe('users file', () => {
  it('picks up add, passwd, disable, enable and remove without a restart', async () => {
    const users = cliUsers(t.config);
    expectFriendlyPage(await submit({ username: 'frank', password: PASSWORD }), 401, GENERIC_FAILURE);
    await users.add('frank', ['customer'], PASSWORD);
    expect((await submit({ username: 'frank', password: PASSWORD })).status).toBe(200);
    await users.setPassword('frank', 'a brand new password');
    expect((await submit({ username: 'frank', password: PASSWORD })).status).toBe(401);
    expect((await submit({ username: 'frank', password: 'a brand new password' })).status).toBe(200);
    await users.setDisabled('frank', true);
    expect((await submit({ username: 'frank', password: 'a brand new password' })).status).toBe(401);
    await users.setDisabled('frank', false);
    expect((await submit({ username: 'frank', password: 'a brand new password' })).status).toBe(200);
    await users.remove('frank');
    expect((await submit({ username: 'frank', password: 'a brand new password' })).status).toBe(401);
  });
});

describe('SSO only (login.local: false)', () => {
  let ssoOnly: TestApp;
  beforeAll(async () => {
    ssoOnly = await startTestApp((config) => {
      loginConfig(config);
      config.login = { local: false };
      config.sso = { corp: { issuer: 'https://idp.example.com', clientId: 'chatwarden' } };
    });
  });
  afterAll(() => ssoOnly.close());

  it('shows only the SSO buttons and refuses password posts', async () => {
    const page = await request(ssoOnly.url).get('/login').query({ bot: 'shop', origin: SHOP });
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<form');
    expect(page.text).toContain('Sign in with Corp');
    const post = await request(ssoOnly.url).post('/login').type('form').send({ formToken: 'A'.repeat(32), username: 'alice', password: PASSWORD });
    expectFriendlyPage(post, 404, /Password sign-in is not enabled/);
  });
});

describe('client IP without trusted proxies', () => {
  let direct: TestApp;
  beforeAll(async () => {
    direct = await startTestApp((config) => loginConfig(config, { trustProxy: [] }));
  });
  afterAll(() => direct.close());

  it('ignores X-Forwarded-For, so a client cannot dodge the per-IP lockout', async () => {
    const post = async (username: string, spoofed: string) => {
      const page = await request(direct.url).get('/login').query({ bot: 'shop', origin: SHOP });
      return request(direct.url)
        .post('/login')
        .set('x-forwarded-for', spoofed)
        .type('form')
        .send({ formToken: formToken(page.text), username, password: 'wrong password' });
    };
    for (let i = 0; i < 5; i++) expect((await post(`user${i}`, `203.0.113.${i}`)).status).toBe(401);
    expect((await post('user6', '203.0.113.99')).status).toBe(429);
  });
});
