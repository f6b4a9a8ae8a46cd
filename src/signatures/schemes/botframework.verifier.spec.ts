import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { createVerifierRegistry } from '../verifier-registry.js';
import { BotframeworkVerifier, BOTFRAMEWORK_ISSUER, type BotframeworkVerifierSettings } from './botframework.verifier.js';
import { BOT, harness, post, rejection, webhook } from '../testing/verifier-kit.js';

// A stand-in for login.botframework.com on a loopback port: the OpenID
// metadata document points at a JWKS that the test can rotate or break.
const APP_ID = '8f1d3a52-1111-4c6e-9a8e-0d6e8d5c2b7a';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const NOW = Math.floor(Date.now() / 1000);
const ACTIVITY = JSON.stringify({ type: 'message', id: 'a1', serviceUrl: SERVICE_URL, channelId: 'msteams', text: 'hi' });

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

class FakeBotframework {
  server: Server;
  published: JWK[] = [];
  hits = { metadata: 0, jwks: 0 };
  metadataStatus = 200;
  jwksStatus = 200;
  jwksUri?: string;

  constructor() {
    this.server = createServer((request, response) => {
      if (request.url === '/metadata') {
        this.hits.metadata += 1;
        response.writeHead(this.metadataStatus, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ issuer: BOTFRAMEWORK_ISSUER, jwks_uri: this.jwksUri ?? `${this.base}/jwks` }));
      } else if (request.url === '/jwks') {
        this.hits.jwks += 1;
        response.writeHead(this.jwksStatus, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ keys: this.published }));
      } else {
        response.writeHead(404).end();
      }
    });
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let fake: FakeBotframework;
let k1: SigningKey;
let k2: SigningKey;
let impostor: SigningKey;

beforeAll(async () => {
  [k1, k2, impostor] = await Promise.all([signingKey('k1'), signingKey('k2'), signingKey('k1')]);
  fake = new FakeBotframework();
  await fake.start();
});

afterAll(() => fake.stop());

beforeEach(() => {
  fake.published = [k1.jwk];
  fake.hits = { metadata: 0, jwks: 0 };
  fake.metadataStatus = 200;
  fake.jwksStatus = 200;
  fake.jwksUri = undefined;
});

function setup(settings: Partial<BotframeworkVerifierSettings> = {}, metadataUrl = `${fake.base}/metadata`) {
  const registry = createVerifierRegistry([new BotframeworkVerifier({ keysCooldownMs: 0, ...settings })]);
  const { service } = harness([], NOW, registry);
  return { service, config: webhook({ scheme: 'botframework', appId: APP_ID, metadataUrl }) };
}

async function token(key: SigningKey, claims: Record<string, unknown> = {}, options: { iss?: string; aud?: string; exp?: number; nbf?: number } = {}) {
  const jwt = new SignJWT({ serviceurl: SERVICE_URL, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(options.iss ?? BOTFRAMEWORK_ISSUER)
    .setAudience(options.aud ?? APP_ID)
    .setIssuedAt(NOW - 60)
    .setExpirationTime(options.exp ?? NOW + 3600);
  if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
  return jwt.sign(key.privateKey);
}

function call(jwt: string, body = ACTIVITY) {
  return post({ Authorization: `Bearer ${jwt}` }, body);
}

describe('botframework verifier', () => {
  it('accepts a token signed by a published key and caches metadata and keys', async () => {
    const { service, config } = setup();
    await expect(service.verify(BOT, config, call(await token(k1)))).resolves.toEqual({
      valid: true,
      scheme: 'botframework',
      secretId: 'jwks:k1',
    });
    await service.verify(BOT, config, call(await token(k1)));
    expect(fake.hits).toEqual({ metadata: 1, jwks: 1 });
  });

  it('accepts RS384 and RS512', async () => {
    const [rs384, rs512] = await Promise.all([signingKey('k384', 'RS384'), signingKey('k512', 'RS512')]);
    fake.published = [k1.jwk, rs384.jwk, rs512.jwk];
    const { service, config } = setup();
    await expect(service.verify(BOT, config, call(await token(rs384)))).resolves.toMatchObject({ secretId: 'jwks:k384' });
    await expect(service.verify(BOT, config, call(await token(rs512)))).resolves.toMatchObject({ secretId: 'jwks:k512' });
  });

  it('refetches the key set for an unknown kid (key rotation by Microsoft)', async () => {
    const { service, config } = setup();
    await service.verify(BOT, config, call(await token(k1)));
    fake.published = [k1.jwk, k2.jwk];
    await expect(service.verify(BOT, config, call(await token(k2)))).resolves.toMatchObject({ secretId: 'jwks:k2' });
    expect(fake.hits.jwks).toBe(2);
  });

  it('does not refetch within the cool-down, so unknown kids cannot hammer the key endpoint', async () => {
    const { service, config } = setup({ keysCooldownMs: 60_000 });
    await service.verify(BOT, config, call(await token(k1)));
    fake.published = [k1.jwk, k2.jwk];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await rejection(service.verify(BOT, config, call(await token(k2)))))).toMatchObject({ code: 'signature_invalid' });
    }
    expect(fake.hits.jwks).toBe(1);
  });

  it('refuses a token whose signature does not match the published key of its kid', async () => {
    const { service, config } = setup();
    expect((await rejection(service.verify(BOT, config, call(await token(impostor)))))).toMatchObject({
      code: 'signature_invalid',
      status: 401,
    });
  });

  it('refuses another audience or issuer', async () => {
    const { service, config } = setup();
    expect((await rejection(service.verify(BOT, config, call(await token(k1, {}, { aud: 'another-app' })))))).toMatchObject({
      code: 'signature_invalid',
    });
    expect((await rejection(service.verify(BOT, config, call(await token(k1, {}, { iss: 'https://sts.windows.net/x/' })))))).toMatchObject({
      code: 'signature_invalid',
    });
  });

  it('allows five minutes of clock skew and no more', async () => {
    const { service, config } = setup();
    await expect(service.verify(BOT, config, call(await token(k1, {}, { exp: NOW - 240 })))).resolves.toMatchObject({ valid: true });
    expect((await rejection(service.verify(BOT, config, call(await token(k1, {}, { exp: NOW - 301 })))))).toMatchObject({
      code: 'timestamp_invalid',
    });
    expect((await rejection(service.verify(BOT, config, call(await token(k1, {}, { nbf: NOW + 600 })))))).toMatchObject({
      code: 'timestamp_invalid',
    });
  });

  it('refuses HS256 and unsigned tokens', async () => {
    const { service, config } = setup();
    const hs256 = await new SignJWT({ serviceurl: SERVICE_URL })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(BOTFRAMEWORK_ISSUER)
      .setAudience(APP_ID)
      .setExpirationTime(NOW + 3600)
      .sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!!'));
    expect((await rejection(service.verify(BOT, config, call(hs256))))).toMatchObject({ code: 'signature_invalid' });
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: BOTFRAMEWORK_ISSUER, aud: APP_ID, exp: NOW + 3600 })).toString('base64url');
    expect((await rejection(service.verify(BOT, config, call(`${header}.${payload}.`))))).toMatchObject({ code: 'signature_invalid' });
  });

  it('reports a missing Authorization header and refuses other credentials', async () => {
    const { service, config } = setup();
    expect((await rejection(service.verify(BOT, config, post({}, ACTIVITY))))).toMatchObject({ code: 'signature_missing' });
    expect((await rejection(service.verify(BOT, config, post({ authorization: 'Basic YTpi' }, ACTIVITY))))).toMatchObject({
      code: 'signature_invalid',
    });
  });

  it('checks the serviceurl claim against the activity', async () => {
    const { service, config } = setup();
    const jwt = await token(k1);
    const elsewhere = JSON.stringify({ type: 'message', serviceUrl: 'https://attacker.example/' });
    expect((await rejection(service.verify(BOT, config, call(jwt, elsewhere))))).toMatchObject({ code: 'signature_invalid' });
    expect((await rejection(service.verify(BOT, config, call(await token(k1, { serviceurl: undefined })))))).toMatchObject({
      code: 'signature_invalid',
    });
    expect((await rejection(service.verify(BOT, config, call(jwt, 'not json'))))).toMatchObject({ code: 'invalid_request', status: 400 });
  });

  it('fails closed with 503 when the metadata or the keys cannot be fetched', async () => {
    fake.metadataStatus = 500;
    const broken = setup();
    expect((await rejection(broken.service.verify(BOT, broken.config, call(await token(k1)))))).toMatchObject({
      code: 'signature_keys_unavailable',
      status: 503,
    });
    fake.metadataStatus = 200;
    fake.jwksStatus = 500;
    const noKeys = setup();
    expect((await rejection(noKeys.service.verify(BOT, noKeys.config, call(await token(k1)))))).toMatchObject({
      code: 'signature_keys_unavailable',
    });
    const unreachable = setup({}, 'http://127.0.0.1:1/metadata');
    expect((await rejection(unreachable.service.verify(BOT, unreachable.config, call(await token(k1)))))).toMatchObject({
      code: 'signature_keys_unavailable',
    });
  });

  it('refuses a jwks_uri that is plain http to a non-loopback host', async () => {
    fake.jwksUri = 'http://keys.example.com/jwks';
    const { service, config } = setup();
    expect((await rejection(service.verify(BOT, config, call(await token(k1)))))).toMatchObject({ code: 'signature_keys_unavailable' });
  });

  it('keeps using the last good metadata when a refresh fails', async () => {
    const { service, config } = setup({ metadataMaxAgeMs: 0 });
    await service.verify(BOT, config, call(await token(k1)));
    fake.metadataStatus = 500;
    await expect(service.verify(BOT, config, call(await token(k1)))).resolves.toMatchObject({ valid: true });
    expect(fake.hits.metadata).toBe(2);
  });
});
