/**
 * `POST /v1/verify/signature` end to end on a real listening port: one bot
 * per scheme, each with a request signed the way its vendor signs (and one
 * that is not), the body's exact bytes whether sent as text or base64,
 * replay across two requests, vendor handshakes, the IP allow-list behind
 * trusted proxies, size limits, and bad input of every kind — always a 4xx
 * with a code, never a 500 and never a secret in the answer.
 */
import { createHash, createHmac, generateKeyPairSync, sign as signBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../src/config/config.loader.js';
import type { SignatureInput } from '../src/signatures/signature-input.js';
import { Store } from '../src/store/store.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SECRET = 'e2e-shared-secret-6f1c';
const WHSEC = `whsec_${Buffer.alloc(32, 0x5a).toString('base64')}`;
const APP_ID = '2f6e1a3c-5d4b-4e8f-9a0b-7c6d5e4f3a2b';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const TWILIO_URL = 'https://bot.example.com/twilio/sms?ref=e2e';
const origins = ['https://shop.example.com'];

const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: typeof dsa.publicKey) => key.export({ format: 'pem', type: 'spki' }).toString();

/** login.botframework.com on a loopback port: OpenID metadata pointing at a JWKS. */
class FakeBotframework {
  readonly server: Server;
  keys: JWK[] = [];
  constructor() {
    this.server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/metadata') res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${this.base}/jwks` }));
      else if (req.url === '/jwks') res.end(JSON.stringify({ keys: this.keys }));
      else res.writeHead(404).end();
    });
  }
  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
}

let t: TestApp;
let botframework: FakeBotframework;
let jwtKey: CryptoKey;

beforeAll(async () => {
  botframework = new FakeBotframework();
  await new Promise<void>((resolve) => botframework.server.listen(0, '127.0.0.1', resolve));
  const pair = await generateKeyPair('RS256', { extractable: true });
  jwtKey = pair.privateKey;
  botframework.keys = [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }];

  t = await startTestApp((raw) => {
    raw.trustProxy = ['10.0.0.0/8'];
    Object.assign(raw.bots as Record<string, unknown>, {
      chatbase: { origins, webhook: { scheme: 'chatbase', secrets: [SECRET] } },
      convokraft: { origins, webhook: { scheme: 'convokraft', publicKey: pem(dsa.publicKey) } },
      ingenious: { origins, webhook: { scheme: 'ingenious', secrets: [SECRET] } },
      chatbotcom: { origins, webhook: { scheme: 'chatbotcom', token: 'cb-verify-token', headers: { 'x-chatbot-key': SECRET } } },
      inbenta: { origins, webhook: { scheme: 'inbenta', tokenHeader: 'x-inbenta-webhook-key', secrets: [SECRET], allowIps: ['203.0.113.0/24'] } },
      'standard-webhooks': { origins, webhook: { scheme: 'standard-webhooks', secrets: [WHSEC] } },
      slack: { origins, webhook: { scheme: 'slack', secrets: [SECRET] } },
      meta: { origins, webhook: { scheme: 'meta', secrets: [SECRET], verifyToken: 'meta-verify-token' } },
      zendesk: { origins, webhook: { scheme: 'zendesk', secrets: [SECRET] } },
      intercom: { origins, webhook: { scheme: 'intercom', secrets: [SECRET], maxBodyBytes: 2048 } },
      twilio: { origins, webhook: { scheme: 'twilio', secrets: [SECRET] } },
      freshchat: { origins, webhook: { scheme: 'freshchat', publicKey: pem(rsa.publicKey) } },
      botframework: { origins, webhook: { scheme: 'botframework', appId: APP_ID, metadataUrl: `${botframework.base}/metadata` } },
      hmac: {
        origins,
        webhook: { scheme: 'hmac', header: 'X-Signature', prefix: 'sha256=', timestampHeader: 'X-Timestamp', payload: '{timestamp}.{body}', secrets: [SECRET] },
      },
    });
  });
});

afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => botframework?.server.close(resolve));
});

/** What a webhook handler forwards to /v1/verify/signature. */
type Forwarded = SignatureInput;

function verify(payload: unknown, key = t.apiKeys.verify) {
  return request(t.url).post('/v1/verify/signature').set('authorization', `Bearer ${key}`).send(payload as object);
}

const now = () => Math.floor(Date.now() / 1000);
const hmacOf = (algorithm: string, data: string | Buffer, secret = SECRET) => createHmac(algorithm, secret).update(data);

/** A vendor's request to the handler, signed as that vendor signs it. */
const SIGNED: Record<string, (body: string) => Forwarded> = {
  chatbase: (body) => ({ bot: 'chatbase', headers: { 'x-chatbase-signature': hmacOf('sha1', body).digest('hex') }, body }),
  convokraft: (body) => ({
    bot: 'convokraft',
    headers: { 'X-CONVOKRAFT-SIGNATURE': signBytes('sha256', Buffer.from(body), dsa.privateKey).toString('base64') },
    body,
  }),
  ingenious: (body) => ({ bot: 'ingenious', headers: { authorization: `Bearer ${SECRET}` }, body }),
  chatbotcom: (body) => ({ bot: 'chatbotcom', headers: { 'x-chatbot-key': SECRET, 'content-type': 'application/json' }, body }),
  inbenta: (body) => ({ bot: 'inbenta', headers: { 'x-inbenta-webhook-key': SECRET }, body, clientIp: '203.0.113.9' }),
  'standard-webhooks': (body) => {
    const id = `msg_${Math.random().toString(36).slice(2)}`;
    const at = new Date();
    return {
      bot: 'standard-webhooks',
      headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(WHSEC).sign(id, at, body) },
      body,
    };
  },
  slack: (body) => {
    const ts = String(now());
    return { bot: 'slack', headers: { 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${hmacOf('sha256', `v0:${ts}:${body}`).digest('hex')}` }, body };
  },
  meta: (body) => ({ bot: 'meta', headers: { 'x-hub-signature-256': `sha256=${hmacOf('sha256', body).digest('hex')}` }, body }),
  zendesk: (body) => {
    const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      bot: 'zendesk',
      headers: { 'x-zendesk-webhook-signature-timestamp': ts, 'x-zendesk-webhook-signature': hmacOf('sha256', ts + body).digest('base64') },
      body,
    };
  },
  intercom: (body) => ({ bot: 'intercom', headers: { 'x-hub-signature': `sha1=${hmacOf('sha1', body).digest('hex')}` }, body }),
  twilio: (body) => {
    const params = new URLSearchParams(body);
    const data = TWILIO_URL + [...params.keys()].sort().map((name) => name + params.get(name)).join('');
    return {
      bot: 'twilio',
      url: TWILIO_URL,
      headers: { 'x-twilio-signature': hmacOf('sha1', data).digest('base64'), 'content-type': 'application/x-www-form-urlencoded' },
      body,
    };
  },
  freshchat: (body) => ({ bot: 'freshchat', headers: { 'x-freshchat-signature': signBytes('sha256', Buffer.from(body), rsa.privateKey).toString('base64') }, body }),
  hmac: (body) => {
    const ts = String(now());
    return { bot: 'hmac', headers: { 'x-signature': `sha256=${hmacOf('sha256', `${ts}.${body}`).digest('hex')}`, 'x-timestamp': ts }, body };
  },
};

const JSON_BODY = '{"event":"message","text":"where is my order?"}';
const FORM_BODY = 'From=%2B15005550006&Body=where+is+my+order%3F&To=%2B15005550001';

async function botframeworkRequest(body = JSON.stringify({ type: 'message', serviceUrl: SERVICE_URL, text: 'hi' })): Promise<Forwarded> {
  const jwt = await new SignJWT({ serviceurl: SERVICE_URL })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer('https://api.botframework.com')
    .setAudience(APP_ID)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(jwtKey);
  return { bot: 'botframework', headers: { authorization: `Bearer ${jwt}` }, body };
}

function expectRefused(response: request.Response, status: number, code: string): void {
  expect({ status: response.status, error: response.body.error }).toEqual({ status, error: code });
  expect(response.body.valid).toBe(false);
  expect(typeof response.body.message).toBe('string');
  expect(JSON.stringify(response.body)).not.toContain(SECRET);
}

describe('every scheme over HTTP', () => {
  const expectedSecretId: Record<string, string> = { convokraft: 'public-key', freshchat: 'public-key', chatbotcom: 'headers' };

  it.each(Object.keys(SIGNED))('%s: a signed request is valid and names the matching secret, never the secret', async (scheme) => {
    const forwarded = SIGNED[scheme](scheme === 'twilio' ? FORM_BODY : JSON_BODY);
    const response = await verify(forwarded);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ valid: true, scheme, secretId: expectedSecretId[scheme] ?? 'config-0' });
    if (scheme === 'standard-webhooks') expect(response.body.eventId).toBe(forwarded.headers['webhook-id']);
    expect(JSON.stringify(response.body)).not.toContain(SECRET);
  });

  it.each(Object.keys(SIGNED))('%s: the same request with one byte changed is signature_invalid', async (scheme) => {
    const forwarded = SIGNED[scheme](scheme === 'twilio' ? FORM_BODY : JSON_BODY);
    // Shared-credential schemes do not sign the body: change the credential instead.
    const shared = ['ingenious', 'chatbotcom', 'inbenta'].includes(scheme);
    const headers = shared
      ? Object.fromEntries(Object.entries(forwarded.headers).map(([name, value]) => [name, String(value).replace(SECRET, `${SECRET}x`)]))
      : forwarded.headers;
    const body = shared ? forwarded.body : (forwarded.body as string).replace('order', 'Order');
    expectRefused(await verify({ ...forwarded, headers, body }), 401, 'signature_invalid');
  });

  it('botframework: a JWT from the published keys is valid; one for another app is not', async () => {
    const forwarded = await botframeworkRequest();
    const ok = await verify(forwarded);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ valid: true, scheme: 'botframework', secretId: 'jwks:k1' });
    const otherServiceUrl = await botframeworkRequest(JSON.stringify({ type: 'message', serviceUrl: 'https://attacker.example/' }));
    expectRefused(await verify(otherServiceUrl), 401, 'signature_invalid');
  });

  it('a missing signature header is signature_missing', async () => {
    expectRefused(await verify({ bot: 'chatbase', headers: {}, body: JSON_BODY }), 401, 'signature_missing');
  });

  it('a stale signed timestamp is timestamp_invalid', async () => {
    const ts = String(now() - 3600);
    const forwarded = { bot: 'slack', headers: { 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${hmacOf('sha256', `v0:${ts}:${JSON_BODY}`).digest('hex')}` }, body: JSON_BODY };
    expectRefused(await verify(forwarded), 401, 'timestamp_invalid');
  });

  it('reads header names in any case', async () => {
    const forwarded = SIGNED.chatbase(JSON_BODY);
    const response = await verify({ ...forwarded, headers: { 'X-ChatBase-SIGNATURE': forwarded.headers['x-chatbase-signature'] } });
    expect(response.status).toBe(200);
  });

  it("accepts every header as a one-value array (Node's req.headersDistinct)", async () => {
    const forwarded = SIGNED.slack(JSON_BODY);
    const distinct = Object.fromEntries(Object.entries(forwarded.headers).map(([name, value]) => [name, [value as string]]));
    expect((await verify({ ...forwarded, headers: { ...distinct, host: ['bot.example.com'] } })).status).toBe(200);
  });

  it('refuses a security header received twice, as an array or as two spellings', async () => {
    const good = SIGNED.chatbase(JSON_BODY).headers['x-chatbase-signature'] as string;
    expectRefused(await verify({ bot: 'chatbase', headers: { 'x-chatbase-signature': [good, good] }, body: JSON_BODY }), 401, 'signature_invalid');
    expectRefused(
      await verify({ bot: 'chatbase', headers: { 'x-chatbase-signature': good, 'X-Chatbase-Signature': 'ff' }, body: JSON_BODY }),
      401,
      'signature_invalid',
    );
  });
});

describe('the body travels as its exact bytes', () => {
  const UNICODE = JSON.stringify({ text: 'Grüße aus Köln — ¿qué tal? 👋', name: 'Zoë' });

  it('a non-ASCII UTF-8 body verifies as body text and as bodyBase64 alike', async () => {
    const forwarded = SIGNED.chatbase(UNICODE);
    expect((await verify(forwarded)).status).toBe(200);
    const asBase64 = { bot: 'chatbase', headers: forwarded.headers, bodyBase64: Buffer.from(UNICODE, 'utf8').toString('base64') };
    expect((await verify(asBase64)).status).toBe(200);
  });

  it('text is not normalised: the same words in another Unicode form do not verify', async () => {
    const composed = JSON.stringify({ name: 'Zoë' }).normalize('NFC');
    const forwarded = SIGNED.chatbase(composed);
    expectRefused(await verify({ ...forwarded, body: composed.normalize('NFD') }), 401, 'signature_invalid');
  });

  it('whitespace and line endings are kept', async () => {
    const body = '{ "a" : 1 ,\r\n  "b": [ 2 ] }\n\n';
    expect((await verify(SIGNED.chatbase(body))).status).toBe(200);
    expectRefused(await verify({ ...SIGNED.chatbase(body), body: JSON.stringify(JSON.parse(body)) }), 401, 'signature_invalid');
  });

  it('a binary body verifies as bodyBase64, and not once mangled into text', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x7b, 0x0a, 0xe2, 0x82, 0x41, 0x00]);
    const signature = createHmac('sha1', SECRET).update(bytes).digest('hex');
    const headers = { 'x-chatbase-signature': signature };
    expect((await verify({ bot: 'chatbase', headers, bodyBase64: bytes.toString('base64') })).status).toBe(200);
    expectRefused(await verify({ bot: 'chatbase', headers, body: bytes.toString('utf8') }), 401, 'signature_invalid');
    expectRefused(await verify({ bot: 'chatbase', headers, body: bytes.toString('latin1') }), 401, 'signature_invalid');
  });

  it('an empty body is a body too', async () => {
    expect((await verify(SIGNED.chatbase(''))).status).toBe(200);
  });
});

describe('replay', () => {
  it('accepts a signed delivery id once; the second request is replayed', async () => {
    const forwarded = SIGNED['standard-webhooks'](JSON_BODY);
    expect((await verify(forwarded)).status).toBe(200);
    expectRefused(await verify(forwarded), 401, 'replayed');
  });

  it('a forged request does not burn the id of the real one', async () => {
    const forwarded = SIGNED['standard-webhooks'](JSON_BODY);
    expectRefused(await verify({ ...forwarded, body: `${JSON_BODY} ` }), 401, 'signature_invalid');
    expect((await verify(forwarded)).status).toBe(200);
  });
});

describe('vendor handshakes', () => {
  it('ChatBot.com verification GET: the challenge comes back when the token matches', async () => {
    const url = 'https://bot.example.com/hook?challenge=ZmFrZS1jaGFsbGVuZ2U&token=cb-verify-token';
    const ok = await verify({ bot: 'chatbotcom', method: 'GET', url, headers: {} });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ valid: true, scheme: 'chatbotcom', secretId: 'token', challenge: 'ZmFrZS1jaGFsbGVuZ2U' });
    const wrong = await verify({ bot: 'chatbotcom', method: 'GET', url: url.replace('cb-verify-token', 'guess'), headers: {}, body: '' });
    expectRefused(wrong, 401, 'signature_invalid');
  });

  it('Meta subscription GET answers hub.challenge for the verify token only', async () => {
    const url = '/webhooks/meta?hub.mode=subscribe&hub.verify_token=meta-verify-token&hub.challenge=1158201444';
    const ok = await verify({ bot: 'meta', method: 'get', url, headers: {} });
    expect(ok.body).toMatchObject({ valid: true, challenge: '1158201444' });
    expectRefused(await verify({ bot: 'meta', method: 'GET', url: url.replace('meta-verify-token', SECRET), headers: {} }), 401, 'signature_invalid');
  });

  it('Slack url_verification: a signed event hands back its challenge', async () => {
    const response = await verify(SIGNED.slack(JSON.stringify({ type: 'url_verification', token: 'x', challenge: '3eZbrw1aBm2rZgRN' })));
    expect(response.body).toMatchObject({ valid: true, scheme: 'slack', challenge: '3eZbrw1aBm2rZgRN' });
  });
});

describe('IP allow-list (inbenta bot: 203.0.113.0/24; trustProxy 10.0.0.0/8)', () => {
  const signed = () => SIGNED.inbenta(JSON_BODY);

  it('accepts the vendor address and refuses others with 403', async () => {
    expect((await verify(signed())).status).toBe(200);
    expectRefused(await verify({ ...signed(), clientIp: '198.51.100.7' }), 403, 'ip_not_allowed');
    expect((await verify({ ...signed(), clientIp: '::ffff:203.0.113.9' })).status).toBe(200);
  });

  it('requires clientIp when the bot has allowIps', async () => {
    const { clientIp: _omitted, ...withoutIp } = signed();
    expectRefused(await verify(withoutIp), 400, 'client_ip_required');
  });

  it('follows X-Forwarded-For past trusted proxies only', async () => {
    const behindProxy = { ...signed(), clientIp: '10.1.2.3', headers: { ...signed().headers, 'X-Forwarded-For': '198.51.100.66, 203.0.113.9, 10.0.0.7' } };
    expect((await verify(behindProxy)).status).toBe(200);
    const spoofed = { ...signed(), clientIp: '198.51.100.7', headers: { ...signed().headers, 'x-forwarded-for': '203.0.113.9' } };
    expectRefused(await verify(spoofed), 403, 'ip_not_allowed');
  });
});

describe('size limits', () => {
  it('a request over the service body limit is 413 payload_too_large', async () => {
    const huge = { bot: 'chatbase', headers: { 'x-chatbase-signature': 'ab' }, body: 'a'.repeat(600 * 1024) };
    expectRefused(await verify(huge), 413, 'payload_too_large');
  });

  it("a body over the bot's maxBodyBytes is 413 body_too_large", async () => {
    expectRefused(await verify(SIGNED.intercom(`{"pad":"${'x'.repeat(3000)}"}`)), 413, 'body_too_large');
  });
});

describe('bad input is a 4xx with a code, never a 500', () => {
  const good = () => SIGNED.chatbase(JSON_BODY);
  const cases: Array<[string, unknown, string]> = [
    ['no bot', { headers: {}, body: '' }, 'invalid_request'],
    ['bot not a string', { bot: 42, headers: {}, body: '' }, 'invalid_request'],
    ['bot with odd characters', { bot: 'sh op/..', headers: {}, body: '' }, 'invalid_request'],
    ['unknown bot', { bot: 'nope', headers: {}, body: '' }, 'unknown_bot'],
    ['bot without webhook settings', { bot: 'other', headers: {}, body: '' }, 'webhook_not_configured'],
    ['headers missing', { bot: 'chatbase', body: '' }, 'invalid_request'],
    ['headers an array', { bot: 'chatbase', headers: ['x'], body: '' }, 'invalid_request'],
    ['a header value a number', { bot: 'chatbase', headers: { 'x-a': 1 }, body: '' }, 'invalid_request'],
    ['a header value an object', { bot: 'chatbase', headers: { 'x-a': { b: 'c' } }, body: '' }, 'invalid_request'],
    ['a header name with a space', { bot: 'chatbase', headers: { 'x a': 'b' }, body: '' }, 'invalid_request'],
    ['an empty header array', { bot: 'chatbase', headers: { 'x-a': [] }, body: '' }, 'invalid_request'],
    ['too many headers', { bot: 'chatbase', headers: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`x-h${i}`, 'v'])), body: '' }, 'invalid_request'],
    ['both body and bodyBase64', { ...good(), bodyBase64: 'e30=' }, 'invalid_request'],
    ['neither body nor bodyBase64 on a POST', { bot: 'chatbase', headers: good().headers }, 'invalid_request'],
    ['bodyBase64 with stray characters', { bot: 'chatbase', headers: good().headers, bodyBase64: 'e30=!' }, 'invalid_request'],
    ['bodyBase64 without padding', { bot: 'chatbase', headers: good().headers, bodyBase64: 'e30' }, 'invalid_request'],
    ['body with a lone surrogate', { bot: 'chatbase', headers: good().headers, body: 'a\ud800b' }, 'invalid_request'],
    ['body not a string', { bot: 'chatbase', headers: good().headers, body: { a: 1 } }, 'invalid_request'],
    ['method with a space', { ...good(), method: 'PO ST' }, 'invalid_request'],
    ['clientIp not an address', { ...good(), clientIp: 'localhost' }, 'invalid_request'],
    ['an unknown field', { ...good(), extra: true }, 'invalid_request'],
    ['url not a string', { ...good(), url: 7 }, 'invalid_request'],
    ['twilio without its url', { bot: 'twilio', headers: { 'x-twilio-signature': 'abc=' }, body: FORM_BODY }, 'invalid_request'],
    ['twilio with a relative url', { bot: 'twilio', url: '/sms', headers: { 'x-twilio-signature': 'abc=' }, body: FORM_BODY }, 'invalid_request'],
    ['a bad signature encoding', { bot: 'freshchat', headers: { 'x-freshchat-signature': '%%%' }, body: JSON_BODY }, 'signature_invalid'],
    ['a timestamp that does not parse', { bot: 'slack', headers: { 'x-slack-request-timestamp': '12e3', 'x-slack-signature': 'v0=00' }, body: '' }, 'timestamp_invalid'],
    ['a JSON array', [], 'invalid_request'],
    ['JSON null', null, 'invalid_request'],
  ];

  it.each(cases)('%s', async (_name, payload, code) => {
    const response = await request(t.url)
      .post('/v1/verify/signature')
      .set('authorization', `Bearer ${t.apiKeys.verify}`)
      .set('content-type', 'application/json')
      .send(JSON.stringify(payload));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body.valid).toBe(false);
    expect(response.body.error).toBe(code);
  });

  it.each([
    ['not JSON', 'application/json', '{"bot":'],
    ['a prototype-poisoning key', 'application/json', '{"bot":"chatbase","headers":{"__proto__":{"x":"1"}},"body":""}'],
    ['plain text', 'text/plain', 'hello'],
    ['a form', 'application/x-www-form-urlencoded', 'bot=chatbase'],
  ])('%s', async (_name, type, raw) => {
    const response = await request(t.url).post('/v1/verify/signature').set('authorization', `Bearer ${t.apiKeys.verify}`).set('content-type', type).send(raw);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body.valid).toBe(false);
  });
});

describe('access and documentation', () => {
  it('needs an API key with the verify scope', async () => {
    const forwarded = SIGNED.chatbase(JSON_BODY);
    expectRefused(await request(t.url).post('/v1/verify/signature').send(forwarded), 401, 'api_key_missing');
    expectRefused(await verify(forwarded, t.apiKeys.issue), 403, 'scope_missing');
  });

  it('is in the OpenAPI document with its request fields and error codes', async () => {
    const document = (await request(t.url).get('/docs/openapi.json')).body;
    const operation = document.paths['/v1/verify/signature'].post;
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '413', '503']));
    expect(Object.keys(operation.responses['401'].content['application/json'].examples)).toEqual(
      expect.arrayContaining(['signature_missing', 'signature_invalid', 'timestamp_invalid', 'replayed']),
    );
    const fields = Object.keys(operation.requestBody.content['application/json'].schema.properties);
    expect(fields.sort()).toEqual(['body', 'bodyBase64', 'bot', 'clientIp', 'headers', 'method', 'url']);
    // The combined route documents the same fields, plus its own.
    const webhook = JSON.stringify(document.components.schemas.VerifyWebhookDto);
    for (const field of [...fields, 'tokenField', 'action', 'permissions', 'conversationId', 'reply']) expect(webhook).toContain(`"${field}"`);
  });
});

describe('store outage', () => {
  it('fails closed with 503 store_unavailable when a replay id cannot be recorded', async () => {
    const own = await startTestApp((raw) => {
      (raw.bots as Record<string, unknown>)['standard-webhooks'] = { origins, webhook: { scheme: 'standard-webhooks', secrets: [WHSEC] } };
    });
    try {
      await own.app.get(Store).close();
      const response = await request(own.url).post('/v1/verify/signature').set('authorization', `Bearer ${own.apiKeys.verify}`).send(SIGNED['standard-webhooks'](JSON_BODY));
      expectRefused(response, 503, 'store_unavailable');
    } finally {
      await own.close();
    }
  });
});

describe('no secret in a digest either', () => {
  it('the answer never echoes a signature, secret or its hash', async () => {
    const forwarded = SIGNED.meta(JSON_BODY);
    const response = await verify({ ...forwarded, body: `${JSON_BODY}!` });
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain((forwarded.headers['x-hub-signature-256'] as string).slice(7));
    expect(text).not.toContain(createHash('sha256').update(SECRET).digest('hex'));
  });
});

describe('webhook settings in the config file', () => {
  function load(webhook: unknown, files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): string[] {
    const dir = mkdtempSync(join(tmpdir(), 'chatwarden-config-'));
    try {
      for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
      const path = join(dir, 'chatwarden.yaml');
      writeFileSync(path, stringify({ publicUrl: 'https://auth.example.com', keysDir: join(dir, 'keys'), bots: { shop: { origins, webhook } } }));
      loadConfig({ path, env });
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('reports what a scheme still needs under bots.<id>.webhook.', () => {
    expect(load({ scheme: 'convokraft' })).toEqual([expect.stringMatching(/^bots\.shop\.webhook\.publicKey is required for scheme convokraft/)]);
    expect(load({ scheme: 'slack', secrets: ['s'], header: 'x-sig' })).toEqual([expect.stringMatching(/^bots\.shop\.webhook\.header is not used by scheme slack/)]);
    expect(load({ scheme: 'chatbase2' })).toEqual([expect.stringMatching(/^bots\.shop\.webhook\.scheme: scheme must be one of/)]);
    expect(load({ scheme: 'chatbase', secrets: ['s'], tokenField: 'a b' })).toEqual([expect.stringMatching(/^bots\.shop\.webhook\.tokenField: /)]);
  });

  it('reads publicKey from a file or the environment, and refuses literal secrets in production', () => {
    expect(load({ scheme: 'freshchat', publicKey: { file: 'freshchat.pem' } }, { 'freshchat.pem': pem(rsa.publicKey) })).toEqual([]);
    expect(load({ scheme: 'convokraft', publicKey: { env: 'CK_KEY' } }, {}, { CK_KEY: pem(dsa.publicKey) })).toEqual([]);
    expect(load({ scheme: 'freshchat', publicKey: pem(rsa.publicKey) }, {}, { NODE_ENV: 'production' })).toEqual([]);
    const problems = load({ scheme: 'chatbotcom', secrets: ['literal'], token: 'literal', headers: { 'x-k': 'literal' }, basicAuth: 'u:p' }, {}, { NODE_ENV: 'production' });
    for (const path of ['secrets.0', 'token', 'headers.x-k', 'basicAuth']) {
      expect(problems).toContainEqual(`bots.shop.webhook.${path}: literal secrets are refused in production; write { env: NAME } or { file: PATH }`);
    }
  });
});
