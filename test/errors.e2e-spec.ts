/**
 * Errors for integrators (SPEC.md "Second stage"), end to end on a real port:
 * names looked up in config as own keys only, on every route that looks one
 * up; ill-formed strings refused before anything is written; the API key
 * before the body; 415 for a body of another type; `detail` in every error;
 * 405 with Allow; `/` and the favicon; the OpenAPI security scheme.
 */
import { jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { stringify } from 'yaml';
import { createApp } from '../src/app.js';
import { createRootLogger } from '../src/observability/logger.js';
import { SessionService } from '../src/sessions/session.service.js';
import { formToken } from './login-support.js';
import { runCli } from './support/cli.js';
import { baseConfig, startTestApp, type TestApp } from './support/test-app.js';

const SECRET = 'e2e-errors-webhook-secret-5c1a';
const ORIGIN = 'https://shop.example.com';
/** What every object inherits: a plain `record[name]` lookup finds each of them. */
const INHERITED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp((raw) => {
    Object.assign(raw.bots as Record<string, unknown>, {
      inbenta: { origins: [ORIGIN], actions: { 'orders.lookup': ['orders:read'] }, webhook: { scheme: 'inbenta', tokenHeader: 'x-inbenta-webhook-key', secrets: [SECRET] } },
    });
    raw.sso = { corp: { issuer: 'https://idp.example.com', clientId: 'chatwarden' } };
    raw.login = { local: true };
  });
});
afterAll(() => t?.close());

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function issue(bot = 'inbenta'): Promise<string> {
  const response = await request(t.url).post('/v1/tokens').set(bearer(t.apiKeys.issue)).send({ bot, subject: 'alice', roles: ['customer'] });
  expect(response.status).toBe(201);
  return response.body.token;
}

function inbentaCall(token: string) {
  return {
    bot: 'inbenta',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-inbenta-webhook-key': SECRET },
    body: new URLSearchParams({ user_token: token }).toString(),
  };
}

/** A JSON error answer: status, code, the user-safe message, and nothing like a stack. */
function expectError(response: request.Response, status: number, code: string): void {
  expect([response.status, response.body.error]).toEqual([status, code]);
  expect(typeof response.body.message).toBe('string');
  expect(JSON.stringify(response.body)).not.toMatch(/\bat .+:\d+:\d+/);
}

describe('names from requests are own keys of the config, on every route that looks one up', () => {
  it.each(INHERITED)('%s is an unknown name everywhere, never a 500 or a token', async (name) => {
    const token = await issue();
    const post = (path: string, key: string, body: object) => request(t.url).post(path).set(bearer(key)).send(body);

    // POST /v1/tokens: bot and roles.
    const minted = await post('/v1/tokens', t.apiKeys.issue, { bot: name, subject: 'alice' });
    expectError(minted, 400, 'unknown_bot');
    expect(minted.body.token).toBeUndefined();
    expectError(await post('/v1/tokens', t.apiKeys.issue, { bot: 'shop', subject: 'alice', roles: [name] }), 400, 'unknown_role');

    // POST /v1/verify/token: bot and action (with a token that is valid otherwise).
    expectError(await post('/v1/verify/token', t.apiKeys.verify, { token, bot: name }), 400, 'unknown_bot');
    expectError(await post('/v1/verify/token', t.apiKeys.verify, { token, bot: 'inbenta', action: name }), 400, 'unknown_action');

    // POST /v1/verify/webhook: bot, and action after a genuine signature.
    expectError(await post('/v1/verify/webhook', t.apiKeys.verify, { ...inbentaCall(token), bot: name }), 400, 'unknown_bot');
    expectError(await post('/v1/verify/webhook', t.apiKeys.verify, { ...inbentaCall(token), action: name }), 400, 'unknown_action');

    // POST /v1/verify/signature: bot.
    expectError(await post('/v1/verify/signature', t.apiKeys.verify, { ...inbentaCall(token), bot: name }), 400, 'unknown_bot');

    // POST /v1/sessions/revoke: bot.
    expectError(await post('/v1/sessions/revoke', t.apiKeys.revoke, { subject: 'alice', bot: name }), 400, 'unknown_bot');

    // POST /oauth/introspect: a token that is a name is inactive; a bot field is refused.
    const introspected = await request(t.url).post('/oauth/introspect').set(bearer(t.apiKeys.verify)).type('form').send({ token: name, bot: 'shop' });
    expect([introspected.status, introspected.body]).toEqual([200, { active: false }]);
    const withBot = await request(t.url).post('/oauth/introspect').set(bearer(t.apiKeys.verify)).type('form').send({ token, bot: name });
    expect(withBot.status).toBe(400);
    expect(['unknown_bot', 'invalid_request']).toContain(withBot.body.error);

    // POST /v1/tokens/refresh: a name is no token.
    expectError(await request(t.url).post('/v1/tokens/refresh').send({ token: name }), 401, 'token_malformed');

    // GET /login and GET /sso/:provider/start: bot and provider (browser pages, 400).
    const page = await request(t.url).get('/login').query({ bot: name, origin: ORIGIN });
    expect(page.status).toBe(400);
    expect(page.text).toContain('This assistant is not configured.');
    const ssoBot = await request(t.url).get('/sso/corp/start').query({ bot: name, origin: ORIGIN });
    expect(ssoBot.status).toBe(400);
    expect(ssoBot.text).toContain('This assistant is not configured.');
    const ssoProvider = await request(t.url).get(`/sso/${encodeURIComponent(name)}/start`).query({ bot: 'shop', origin: ORIGIN });
    expect(ssoProvider.status).toBe(400);
    expect(ssoProvider.text).toContain('This sign-in option is not available.');

    // POST /login: the username is a name too (the uniform login error, not a 500).
    const form = await request(t.url).get('/login').query({ bot: 'shop', origin: ORIGIN });
    expect(form.status).toBe(200);
    const login = await request(t.url)
      .post('/login')
      .type('form')
      .send({ formToken: formToken(form.text), username: name, password: 'not-the-password', bot: name, origin: ORIGIN });
    expect(login.status).toBe(401);
    expect(login.text).toContain('The username or password is not correct.');
  });

  it('roles: null is invalid_request naming the field, not a 500', async () => {
    const response = await request(t.url).post('/v1/tokens').set(bearer(t.apiKeys.issue)).send({ bot: 'shop', subject: 'alice', roles: null });
    expectError(response, 400, 'invalid_request');
    expect(response.body.detail).toContain('roles');
  });

  it('unknown_bot tells an authenticated caller which bots exist; the login page tells a browser nothing', async () => {
    const response = await request(t.url).post('/v1/tokens').set(bearer(t.apiKeys.issue)).send({ bot: 'shpo', subject: 'alice' });
    expectError(response, 400, 'unknown_bot');
    expect(response.body.detail).toBe('bot "shpo" is not configured; configured: shop, other, inbenta');
    const page = await request(t.url).get('/login').query({ bot: 'shpo', origin: ORIGIN });
    expect(page.status).toBe(400);
    expect(page.text).not.toContain('inbenta');
  });
});

describe('ill-formed strings are refused before anything is written', () => {
  const LONE = 'carol\ud800';

  it('POST /v1/tokens with a lone surrogate in subject: 400, and no session left behind', async () => {
    const create = jest.spyOn(t.app.get(SessionService), 'create');
    try {
      const response = await request(t.url).post('/v1/tokens').set(bearer(t.apiKeys.issue)).send({ bot: 'shop', subject: LONE });
      expectError(response, 400, 'invalid_request');
      expect(response.body.detail).toContain('body.subject');
      expect(create).not.toHaveBeenCalled();
    } finally {
      create.mockRestore();
    }
  });

  it.each([
    ['/v1/sessions/revoke', 'revoke', { subject: LONE }],
    ['/v1/verify/token', 'verify', { token: `eyJ${'\ud800'}` }],
    ['/v1/verify/signature', 'verify', { bot: 'inbenta', headers: { 'x-inbenta-webhook-key': `a\udc00` }, body: 'a=1' }],
    ['/v1/verify/webhook', 'verify', { ...inbentaCall('x'), conversationId: 'c\ud800' }],
    ['/v1/tokens/refresh', 'verify', { token: `eyJ${'\udfff'}` }],
  ] as const)('%s: 400 invalid_request', async (path, scope, body) => {
    const response = await request(t.url).post(path).set(bearer(t.apiKeys[scope])).send(body);
    expectError(response, 400, 'invalid_request');
    expect(response.body.detail).toMatch(/^body\.\w+/);
  });
});

describe('the API key before the body', () => {
  it.each(['/v1/verify/token', '/v1/verify/signature', '/v1/verify/webhook', '/v1/tokens'])('%s: 401 without a key and 403 out of scope, whatever the body', async (path) => {
    for (const body of [{ unexpected: 1 }, '[not json', 'plain text']) {
      const sent = typeof body === 'string' ? request(t.url).post(path).set('content-type', 'application/json').send(body) : request(t.url).post(path).send(body);
      const response = await sent;
      expectError(response, 401, 'api_key_missing');
      expect(response.body.detail).toContain('Authorization: Bearer');
    }
    const scope = path === '/v1/tokens' ? t.apiKeys.verify : t.apiKeys.issue;
    expectError(await request(t.url).post(path).set(bearer(scope)).send({ unexpected: 1 }), 403, 'scope_missing');
  });
});

describe('a JSON route given another content type', () => {
  it.each([
    ['/v1/verify/token', 'verify'],
    ['/v1/verify/signature', 'verify'],
    ['/v1/verify/webhook', 'verify'],
    ['/v1/tokens', 'issue'],
    ['/v1/sessions/revoke', 'revoke'],
  ] as const)('%s: 415 unsupported_media_type naming application/json', async (path, scope) => {
    const json = JSON.stringify({ bot: 'shop', subject: 'alice', token: 'x' });
    const asText = await request(t.url).post(path).set(bearer(t.apiKeys[scope])).set('content-type', 'text/plain;charset=UTF-8').send(json);
    expectError(asText, 415, 'unsupported_media_type');
    expect(asText.body.detail).toContain('application/json');
    // curl -d sends a form.
    const asForm = await request(t.url).post(path).set(bearer(t.apiKeys[scope])).type('form').send({ bot: 'shop', subject: 'alice' });
    expectError(asForm, 415, 'unsupported_media_type');
    expect(asForm.body.detail).toContain('application/json');
  });

  it('POST /login given JSON (even JSON that does not parse) is a friendly 415 page, rendered as HTML directly', async () => {
    for (const body of ['{"username":"a"}', '[not json']) {
      const response = await request(t.url).post('/login').set('content-type', 'application/json').send(body);
      expect(response.status).toBe(415);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toContain('This content type is not accepted here.');
    }
  });

  it('form routes keep their type: /oauth/introspect names the form type for JSON', async () => {
    const response = await request(t.url).post('/oauth/introspect').set(bearer(t.apiKeys.verify)).send({ token: 'x' });
    expectError(response, 415, 'unsupported_media_type');
    expect(response.body.detail).toContain('application/x-www-form-urlencoded');
  });
});

describe('every error body has error, message and detail', () => {
  it('a schema failure on a verify route names the field in detail, the message stays the catalog one', async () => {
    const response = await request(t.url).post('/v1/verify/token').set(bearer(t.apiKeys.verify)).send({ token: 'x', bot: 'a b' });
    expectError(response, 400, 'invalid_request');
    expect(response.body).toMatchObject({ valid: false, message: 'The request is not valid.' });
    expect(response.body.detail).toContain('bot');
  });

  it('a DTO failure names the field and never echoes a value', async () => {
    const response = await request(t.url).post('/v1/tokens').set(bearer(t.apiKeys.issue)).send({ bot: 'shop', subject: 'has space secret-value' });
    expectError(response, 400, 'invalid_request');
    expect(response.body.message).toBe('The request is not valid.');
    expect(response.body.detail).toContain('subject');
    expect(JSON.stringify(response.body)).not.toContain('secret-value');
  });

  it('a malformed webhook request is invalid_request with a detail (request_invalid is retired)', async () => {
    const response = await request(t.url).post('/v1/verify/signature').set(bearer(t.apiKeys.verify)).send({ bot: 'inbenta', headers: {}, body: 'a', bodyBase64: 'YQ==' });
    expectError(response, 400, 'invalid_request');
    expect(response.body.detail).toBe('both body and bodyBase64 were given');
  });

  it('a failed signature says no more than its code', async () => {
    const response = await request(t.url).post('/v1/verify/signature').set(bearer(t.apiKeys.verify)).send({ ...inbentaCall('x'), headers: { 'x-inbenta-webhook-key': 'wrong' } });
    expect(response.status).toBe(401);
    expect(response.body.detail).toBeUndefined();
    expect(JSON.stringify(response.body)).not.toContain(SECRET);
  });
});

describe('the service address in a browser', () => {
  it('GET on a POST-only route is 405 with Allow', async () => {
    for (const path of ['/v1/tokens', '/v1/verify/token', '/v1/verify/signature', '/oauth/introspect', '/logout']) {
      const response = await request(t.url).get(path);
      expectError(response, 405, 'method_not_allowed');
      // /logout also answers its CORS preflight.
      expect(response.headers.allow).toMatch(/^(OPTIONS, )?POST$/);
    }
    expectError(await request(t.url).get('/no/such/route'), 404, 'not_found');
  });

  it('a favicon request does not fail', async () => {
    const response = await request(t.url).get('/favicon.ico');
    expect(response.status).toBe(204);
  });

  it('GET / outside dev mode is a 404 that points at /docs', async () => {
    const response = await request(t.url).get('/');
    expectError(response, 404, 'not_found');
    expect(response.body.detail).toContain('/docs');
  });

  it('GET / in dev mode leads to /demo', async () => {
    const dev = await createApp({ ...t.config, devMode: true }, createRootLogger('silent'), { docsUi: false });
    await dev.listen({ port: 0, host: '127.0.0.1' });
    try {
      const response = await request(dev.getHttpServer()).get('/');
      expect([response.status, response.headers.location]).toEqual([302, '/demo']);
    } finally {
      await dev.close();
    }
  });

  it('OpenAPI describes API keys as an opaque bearer, not a JWT', async () => {
    const response = await request(t.url).get('/docs/openapi.json');
    const scheme = response.body.components.securitySchemes.bearer;
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(scheme.bearerFormat).toBeUndefined();
  });
});

describe('the CLI speaks to the operator', () => {
  it('tokens inspect abc says what is wrong, not the end-user "Please log in again"', async () => {
    const configPath = join(t.keysDir, '..', 'cli.yaml');
    writeFileSync(configPath, stringify(baseConfig(t.keysDir)));
    const result = await runCli(['--config', configPath, 'tokens', 'inspect', 'abc']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).not.toMatch(/log in again/i);
    expect(result.stderr).toContain('not a chatwarden token');
  });
});
