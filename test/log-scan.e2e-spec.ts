/**
 * The service's whole log output, at level debug, through a secret scan.
 * One instance with its log captured in memory is driven through every flow
 * that handles a credential — password logins (right, wrong, a password typed
 * as the username, lockout), token issue / verify / refresh / logout /
 * revoke / introspection, failing verifies with forged, tampered and expired
 * tokens, webhook signature and webhook verification, Chat API pushes, the
 * operator actions of the CLI through the same services — and then the real
 * CLI binary. Any secret the test created, in any spelling, or anything
 * shaped like a credential fails the test. It also checks that each line is
 * JSON and that every line written while a request was handled carries that
 * request's id.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { stringify } from 'yaml';
import { createApp } from '../src/app.js';
import { ApiClientService } from '../src/clients/api-client.service.js';
import { loadConfig } from '../src/config/config.loader.js';
import type { ChatwardenConfig } from '../src/config/config.schema.js';
import { JwtSigner } from '../src/keys/jwt-signer.js';
import { SigningKeyAdmin } from '../src/keys/signing-key-admin.service.js';
import { SigningKeyRing } from '../src/keys/signing-key-ring.service.js';
import { TokenKeyAdmin } from '../src/keys/token-key-admin.service.js';
import { SecretStore } from '../src/secrets/secret.store.js';
import { RevocationService } from '../src/sessions/revocation.service.js';
import { TokenService } from '../src/tokens/token.service.js';
import { UsersService } from '../src/users/users.service.js';
import { captureLogger, scanForSecrets, type LogCapture } from './log-scan.js';
import { cliUsers, formToken, LOCKOUT, loginConfig, resultData } from './login-support.js';
import { runCli } from './support/cli.js';
import { FakeInbenta } from './support/fake-inbenta.js';
import { forgeDirJwe, readTokenKey, tamper } from './support/jwe-forge.js';
import { baseConfig } from './support/test-app.js';

const SHOP = 'https://shop.example.com';
const secret = (label: string) => `${label}-${randomBytes(12).toString('base64url')}`;

/** Everything secret the test creates or is given, by what it is. */
const secrets: Record<string, string> = {};
const remember = (what: string, value: string) => {
  secrets[what] = value;
  return value;
};

const env = {
  INBENTA_KEY: remember('Inbenta API key', secret('inbenta-key')),
  INBENTA_SECRET: remember('Inbenta secret', secret('inbenta-secret')),
  SHOP_WEBHOOK_SECRET: remember('webhook secret', secret('whsec')),
  OTHER_WEBHOOK_SECRET: remember('standard-webhooks secret', `whsec_${randomBytes(32).toString('base64')}`),
  CORP_OIDC_SECRET: remember('OIDC client secret', secret('oidc')),
};
const PASSWORD = remember('alice password', secret('pw-alice'));

let dir: string;
let configPath: string;
let config: ChatwardenConfig;
let app: NestFastifyApplication;
let url: string;
let capture: LogCapture;
let fake: FakeInbenta;
let verifyKey: string;
let issueKey: string;
let revokeKey: string;
let requestCounter = 0;
/** Request ids sent with x-request-id, and the lines each request must have produced. */
const expectedLines: Array<{ requestId: string; event: string }> = [];

beforeAll(async () => {
  fake = await FakeInbenta.start({ apiKey: env.INBENTA_KEY, secret: env.INBENTA_SECRET, sessions: ['conv-scan-live-1'] });
  dir = mkdtempSync(join(tmpdir(), 'chatwarden-log-scan-'));
  const raw = baseConfig(join(dir, 'keys'));
  raw.logLevel = 'debug';
  loginConfig(raw);
  // Every request here comes from a new address: bob's lockout below is the account-wide one.
  (raw.login as Record<string, unknown>).lockout = { ...LOCKOUT, maxFailuresPerAccount: 3 };
  raw.sso = { corp: { issuer: 'https://idp.example.com', clientId: 'chatwarden', clientSecret: { env: 'CORP_OIDC_SECRET' } } };
  const bots = raw.bots as Record<string, Record<string, unknown>>;
  bots.shop.chat = { vendor: 'inbenta', variable: 'user_token', apiKey: { env: 'INBENTA_KEY' }, secret: { env: 'INBENTA_SECRET' }, authUrl: fake.authUrl };
  bots.shop.webhook = { scheme: 'chatbase', secrets: [{ env: 'SHOP_WEBHOOK_SECRET' }] };
  // A scheme whose secrets chatwarden may generate (`secrets add --generate`).
  bots.other.webhook = { scheme: 'standard-webhooks', secrets: [{ env: 'OTHER_WEBHOOK_SECRET' }] };
  configPath = join(dir, 'chatwarden.yaml');
  writeFileSync(configPath, stringify(raw));
  config = loadConfig({ path: configPath, env: { ...env } });

  const captured = captureLogger('debug');
  capture = captured.capture;
  app = await createApp(config, captured.logger, { docsUi: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const clients = app.get(ApiClientService);
  verifyKey = remember('verify API key', (await clients.add('scan-verify', ['verify'])).key);
  issueKey = remember('issue API key', (await clients.add('scan-issue', ['issue'])).key);
  revokeKey = remember('revoke API key', (await clients.add('scan-revoke', ['revoke'])).key);
  await cliUsers(config).add('alice', ['customer'], PASSWORD);
  await cliUsers(config).add('bob', ['customer'], remember('bob password', secret('pw-bob')));
});

afterAll(async () => {
  await app?.close();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A request with a fresh x-request-id; `event`, when given, is the audit line it must produce under that id. */
function traced(event?: string): { 'x-request-id': string; 'x-forwarded-for': string } {
  const requestId = `scan-${++requestCounter}`;
  if (event) expectedLines.push({ requestId, event });
  return { 'x-request-id': requestId, 'x-forwarded-for': `198.51.100.${requestCounter % 250}` };
}

async function passwordLogin(username: string, password: string, event?: string, conversation?: string) {
  const page = await request(url).get('/login').query({ bot: 'shop', origin: SHOP, mode: 'iframe', ...(conversation && { conversation }) }).set(traced());
  expect(page.status).toBe(200);
  const form = remember(`form token ${requestCounter}`, formToken(page.text));
  return request(url).post('/login').set(traced(event)).type('form').send({ formToken: form, username, password });
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

function issue(body: Record<string, unknown>, event = 'token.issue') {
  return request(url).post('/v1/tokens').set(traced(event)).set(bearer(issueKey)).send({ bot: 'shop', subject: 'alice', roles: ['customer'], ...body });
}

function verify(body: Record<string, unknown>, key = verifyKey) {
  return request(url).post('/v1/verify/token').set(traced()).set(bearer(key)).send({ bot: 'shop', ...body });
}

function chatbaseWebhook(body: string, signingSecret = env.SHOP_WEBHOOK_SECRET) {
  return { 'content-type': 'application/json', 'x-chatbase-signature': createHmac('sha1', signingSecret).update(body).digest('hex') };
}

describe('the log of a service driven through every credential-handling flow', () => {
  let requestPhase: Array<Record<string, unknown>>;

  it('handles the flows (statuses are checked so the scan covers the paths it claims to)', async () => {
    const start = capture.mark();

    // Password logins: success with a Chat API push, wrong password, unknown user, a password typed as the username.
    const ok = await passwordLogin('alice', PASSWORD, 'login.success', remember('chat session token', 'conv-scan-live-1'));
    expect(ok.status).toBe(200);
    const loginToken = remember('token from login', resultData(ok.text).token);
    expect((await passwordLogin('alice', remember('wrong password', secret('pw-wrong')), 'login.failure')).status).toBe(401);
    expect((await passwordLogin('nobody-here', remember('unknown user password', secret('pw-nobody')), 'login.failure')).status).toBe(401);
    expect((await passwordLogin(remember('password typed as username', secret('pw-in-username')), PASSWORD, 'login.failure')).status).toBe(401);

    // Lockout of bob's account (3 failures), then a refusal while locked.
    for (let i = 0; i < 2; i++) expect((await passwordLogin('bob', remember(`bob guess ${i}`, secret('guess')), 'login.failure')).status).toBe(401);
    expect((await passwordLogin('bob', remember('bob guess 2', secret('guess')), 'login.lockout')).status).toBe(429);
    expect((await passwordLogin('bob', secrets['bob password'])).status).toBe(429);

    // Issue (one push to a live conversation, one to an ended one: a warning line), verify, refresh, logout.
    const issued = await issue({ chatSession: 'conv-scan-live-1' });
    expect(issued.status).toBe(201);
    const apiToken = remember('issued token', issued.body.token);
    expect((await issue({ chatSession: remember('ended chat session token', secret('conv-ended')) })).status).toBe(201);
    expect((await verify({ token: apiToken, bot: 'shop', action: 'orders.lookup' })).status).toBe(200);
    const refreshed = await request(url).post('/v1/tokens/refresh').set(traced('token.refresh')).send({ token: apiToken });
    expect(refreshed.status).toBe(200);
    const refreshedToken = remember('refreshed token', refreshed.body.token);
    expect((await request(url).post('/logout').set(traced('session.logout')).send({ token: refreshedToken })).status).toBe(200);

    // Failing verifies: logged out, tampered, forged with the real key but expired, garbage, wrong and missing API keys.
    expect((await verify({ token: refreshedToken })).body.error).toBe('session_revoked');
    expect((await verify({ token: remember('tampered token', tamper(loginToken, 3)) })).body.error).toBe('token_invalid');
    const { kid, key } = readTokenKey(config.keysDir);
    const now = Math.floor(Date.now() / 1000);
    const expired = remember('expired token', forgeDirJwe({ alg: 'dir', enc: 'A256GCM', kid }, { iss: 'chatwarden', aud: 'shop', sub: 'alice', sid: 'sid-expired-1', jti: 'j1', iat: now - 999, nbf: now - 999, exp: now - 9, perms: [], amr: 'trusted' }, key));
    expect((await verify({ token: expired })).body.error).toBe('token_expired');
    expect((await verify({ token: remember('garbage token', secret('not-a-token')) })).body.error).toBe('token_malformed');
    const wrongKey = remember('wrong API key', `cwk_0123456789ab_${randomBytes(32).toString('base64url')}`);
    expect((await verify({ token: loginToken }, wrongKey)).body.error).toBe('api_key_invalid');
    expect((await request(url).post('/v1/verify/token').set(traced()).set({ authorization: `Basic ${Buffer.from('user:' + PASSWORD).toString('base64')}` }).send({ token: loginToken })).status).toBe(401);

    // Introspection and revocation over the API.
    const introspection = await request(url).post('/oauth/introspect').set(traced()).set(bearer(verifyKey)).type('form').send({ token: loginToken, bot: 'shop' });
    expect(introspection.body.active).toBe(true);
    expect((await request(url).post('/v1/sessions/revoke').set(traced('session.revoke')).set(bearer(revokeKey)).send({ subject: 'alice' })).status).toBe(200);

    // Webhooks: a good and a forged signature, and the combined check with the token in the body.
    const webhookToken = remember('token in webhook', (await issue({})).body.token);
    const body = JSON.stringify({ eventType: 'action', user_token: webhookToken });
    const signature = await request(url).post('/v1/verify/signature').set(traced()).set(bearer(verifyKey)).send({ bot: 'shop', headers: chatbaseWebhook(body), body });
    expect(signature.status).toBe(200);
    const forged = await request(url).post('/v1/verify/signature').set(traced('signature.verify')).set(bearer(verifyKey)).send({ bot: 'shop', headers: chatbaseWebhook(body, 'not-the-secret-at-all'), body });
    expect(forged.body.error).toBe('signature_invalid');
    const webhook = await request(url).post('/v1/verify/webhook').set(traced('webhook.verify')).set(bearer(verifyKey)).send({ bot: 'shop', headers: chatbaseWebhook(body), body, action: 'orders.lookup' });
    expect(webhook.status).toBe(200);
    const expiredBody = JSON.stringify({ user_token: expired });
    const refused = await request(url).post('/v1/verify/webhook').set(traced('webhook.verify')).set(bearer(verifyKey)).send({ bot: 'shop', headers: chatbaseWebhook(expiredBody), body: expiredBody, reply: 'chatbotcom' });
    expect(refused.body.error).toBe('token_expired');

    // Operations routes.
    expect((await request(url).get('/metrics').set(traced())).status).toBe(200);
    expect((await request(url).get('/health/ready').set(traced())).status).toBe(200);

    requestPhase = capture.since(start);
  });

  it('writes every request-scoped line with its request id, and each audit line under the request that caused it', () => {
    for (const { requestId, event } of expectedLines) {
      expect(requestPhase.filter((line) => line.requestId === requestId).map((line) => line.event)).toContain(event);
    }
    // Between the first request and the last answer every line came from a request, so every one names it.
    const withoutId = requestPhase.filter((line) => typeof line.requestId !== 'string');
    expect(withoutId).toEqual([]);
    const pushFailure = requestPhase.find((line) => line.component === 'chat-variable');
    expect(pushFailure).toMatchObject({ level: 40, requestId: expect.stringMatching(/^scan-\d+$/) });
  });

  it('keeps operator actions of the CLI, through the same services, out of the log', async () => {
    const clients = app.get(ApiClientService);
    const made = await clients.add('scan-cli-made', ['verify']);
    remember('API key made like the CLI', made.key);
    await clients.revoke(made.client.id);
    const users = app.get(UsersService);
    remember('generated password (users add)', (await users.add('dave', ['customer'])).generatedPassword!);
    remember('generated password (users passwd)', (await users.setPassword('alice')).generatedPassword!);
    remember('generated webhook secret', (await app.get(SecretStore).add('other', undefined)).value);
    await app.get(TokenKeyAdmin).rotate(60);
    // Signing keys: made, used, rotated and revoked; their private members are scanned for below.
    const signing = app.get(SigningKeyAdmin);
    await signing.rotate('ES256', 0);
    await signing.rotate('RS256', 0);
    await app.get(SigningKeyRing).reloadIfChanged();
    await app.get(JwtSigner).signJwt({ sub: 'erin', exp: Math.floor(Date.now() / 1000) + 60 }, { alg: 'RS256' });
    await signing.rotate('ES256', 60);
    // Remembered before the revocation deletes one of them from the file.
    for (const [name, value] of Object.entries(tokenKeySecrets())) remember(name, value);
    await signing.revoke(app.get(SigningKeyRing).activeKey('ES256').kid);
    await app.get(SigningKeyRing).reloadIfChanged();
    const tokens = app.get(TokenService);
    const cliToken = remember('token issued like the CLI', (await tokens.issue({ bot: 'shop', subject: 'erin', roles: ['customer'], amr: 'trusted' })).token);
    await tokens.inspect(cliToken);
    await app.get(RevocationService).revoke({ subject: 'erin', actor: 'cli' });
  });

  it('keeps the real CLI binary (logging to stderr at debug) from logging what it prints once', async () => {
    const cliEnv = { ...env, CHATWARDEN_LOG_LEVEL: 'debug' };
    const run = async (args: string[], input?: string, mayFail = false) => {
      const result = await runCli(['--config', configPath, '--json', ...args], { env: cliEnv, input });
      if (result.code !== 0 && !mayFail) throw new Error(`chatwarden ${args.join(' ')} failed: ${result.stdout} ${result.stderr.slice(-500)}`);
      cliLog += result.stderr;
      return JSON.parse(result.stdout) as Record<string, unknown>;
    };
    let cliLog = '';
    const pick = (output: Record<string, unknown>, field: string): string => {
      const value = JSON.stringify(output).match(new RegExp(`"${field}":"([^"]+)"`))?.[1];
      if (!value) throw new Error(`no ${field} in ${Object.keys(output).join(', ')}`);
      return value;
    };
    remember('API key from the CLI', pick(await run(['clients', 'add', 'scan-cli', '--scopes', 'verify']), 'key'));
    remember('generated password from the CLI', pick(await run(['users', 'add', 'frank', '--roles', 'customer']), 'password'));
    await run(['users', 'passwd', 'frank', '--password-stdin'], remember('piped password', secret('pw-piped')) + '\n');
    remember('generated secret from the CLI', pick(await run(['secrets', 'add', 'other', '--generate']), 'value'));
    await run(['secrets', 'add', 'shop', '--stdin'], remember('piped webhook secret', secret('whsec-piped')) + '\n');
    // With a memory:// store the CLI refuses what needs the service's sessions (exit 1); their logs still count.
    await run(['tokens', 'issue', '--bot', 'shop', '--subject', 'frank', '--roles', 'customer'], undefined, true);
    const serviceToken = remember('token inspected by the CLI', (await app.get(TokenService).issue({ bot: 'shop', subject: 'frank', roles: ['customer'], amr: 'trusted' })).token);
    await run(['tokens', 'inspect', serviceToken], undefined, true);
    await run(['keys', 'rotate']);
    await run(['sessions', 'revoke', '--user', 'frank'], undefined, true);
    expect(cliLog).toMatch(/"event":"cli.command"/);
    expect(scanForSecrets(cliLog, { ...secrets, ...tokenKeySecrets() })).toEqual([]);
  }, 180_000);

  it('finds no secret it created, in any spelling, and nothing shaped like a credential, in the whole log', () => {
    const text = capture.text;
    expect(text.length).toBeGreaterThan(10_000);
    expect(scanForSecrets(text, { ...secrets, ...tokenKeySecrets() })).toEqual([]);
  });

  it('the scan itself finds a planted secret, its base64 spelling and a credential shape', () => {
    const planted = `{"msg":"x","note":"${Buffer.from(PASSWORD).toString('base64')}"}\n{"msg":"Bearer abcdefgh12345678"}`;
    expect(scanForSecrets(planted, { 'alice password': PASSWORD })).toEqual([
      expect.stringMatching(/^line 1: alice password/),
      expect.stringMatching(/^line 2: something shaped like a bearer credential/),
    ]);
  });
});

/** Every token key's secret in the keys dir (rotation added some), and the private members of every signing key. */
function tokenKeySecrets(): Record<string, string> {
  const file = JSON.parse(readFileSync(join(config.keysDir, 'token-keys.json'), 'utf8')) as { keys: Array<{ kid: string; secret: string }> };
  const signingPath = join(config.keysDir, 'signing-keys.json');
  const signing = existsSync(signingPath)
    ? (JSON.parse(readFileSync(signingPath, 'utf8')) as { keys: Array<{ kid: string; privateJwk: Record<string, string> }> }).keys.flatMap((k) =>
        ['d', 'p', 'q', 'dp', 'dq', 'qi'].filter((m) => typeof k.privateJwk[m] === 'string').map((m) => [`signing key ${k.kid} ${m}`, k.privateJwk[m]]),
      )
    : [];
  return { ...Object.fromEntries(file.keys.map((k) => [`token key ${k.kid}`, k.secret])), ...Object.fromEntries(signing) };
}
