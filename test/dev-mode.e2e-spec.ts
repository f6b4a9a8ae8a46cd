/**
 * `npm start` on a fresh machine: no config file → dev mode that works with
 * no set-up; NODE_ENV=production without a valid config → exits non-zero
 * naming the field and the fix.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { formToken, resultData } from './login-support.js';
import { freePort, startService, waitForOutput, type ServiceProcess } from './support/process.js';

/** Standard Webhooks headers signed by the reference library, as a vendor would. */
function signed(secret: string, id: string, body: string): Record<string, string> {
  const at = new Date();
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) };
}

/** A password login on the demo bot through the real login page; true when it ended with a token. */
async function loginAsDemo(url: string, password: string): Promise<boolean> {
  const origin = new URL(url).origin;
  const page = await request(url).get('/login').query({ bot: 'demo', origin, mode: 'popup' });
  expect(page.status).toBe(200);
  const answer = await request(url).post('/login').type('form').send({ formToken: formToken(page.text), username: 'demo', password });
  return answer.status === 200 && resultData(answer.text).token.length > 0;
}

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'chatwarden-start-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

describe('dev mode', () => {
  let service: ServiceProcess;
  afterEach(() => service?.stop());

  it('starts with no config, creates the keys dir, prints a dev API key that works, serves /demo and /docs', async () => {
    const port = await freePort();
    service = startService({ cwd, env: { PORT: String(port) } });
    const [, key] = await waitForOutput(service, /Dev API key:\s+(cwk_\S+)/);
    const url = `http://127.0.0.1:${port}`;
    await waitForOutput(service, /chatwarden is listening/);

    expect(statSync(join(cwd, 'keys')).mode & 0o777).toBe(0o700);
    expect(statSync(join(cwd, 'keys', 'token-keys.json')).mode & 0o777).toBe(0o600);

    const issued = await request(url).post('/v1/tokens').set('authorization', `Bearer ${key}`).send({ bot: 'demo', subject: 'alice', roles: ['customer'] });
    expect(issued.status).toBe(201);
    const verified = await request(url).post('/v1/verify/token').set('authorization', `Bearer ${key}`).send({ token: issued.body.token, bot: 'demo', action: 'orders.lookup' });
    expect(verified.body).toMatchObject({ valid: true, subject: 'alice' });

    expect((await request(url).get('/demo')).status).toBe(200);
    const docs = await request(url).get('/docs').redirects(1);
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger');
    expect(service.output().split(key)).toHaveLength(2);
  }, 180_000);

  it('prints a webhook secret for the demo bot, checked by /v1/verify/signature', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    service = startService({ cwd, env: { PORT: String(port) } });
    const [, key] = await waitForOutput(service, /Dev API key:\s+(cwk_\S+)/);
    const [, secret] = await waitForOutput(service, /Demo webhooks:\s+Standard Webhooks, secret (whsec_\S+)/);
    await waitForOutput(service, /chatwarden is listening/);

    const body = '{"type":"order.shipped","orderId":"o-1"}';
    const accepted = await request(url).post('/v1/verify/signature').set('authorization', `Bearer ${key}`).send({ bot: 'demo', headers: signed(secret, 'msg_dev_1', body), body });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ valid: true, scheme: 'standard-webhooks', eventId: 'msg_dev_1' });
    expect(service.output().split(secret)).toHaveLength(2);
  }, 180_000);

  it('keeps the dev credentials across restarts, printed only when made; --reset-dev makes new ones and drops the old secret', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const body = '{"type":"order.shipped","orderId":"o-2"}';
    const verifySignature = (key: string, secret: string, id: string) =>
      request(url).post('/v1/verify/signature').set('authorization', `Bearer ${key}`).send({ bot: 'demo', headers: signed(secret, id, body), body });
    const login = (password: string) => loginAsDemo(url, password);

    service = startService({ cwd, env: { PORT: String(port) } });
    const [, key] = await waitForOutput(service, /Dev API key:\s+(cwk_\S+)/);
    const [, password] = await waitForOutput(service, /Demo user:\s+demo \/ (\S+)/);
    const [, secret] = await waitForOutput(service, /Demo webhooks:\s+Standard Webhooks, secret (whsec_\S+)/);
    await waitForOutput(service, /chatwarden is listening/);
    expect(existsSync(join(cwd, 'keys', 'dev-credentials.json'))).toBe(true);
    await service.stop();

    // Second start on the same keys dir: the same credentials work, and none is printed again.
    service = startService({ cwd, env: { PORT: String(port) } });
    await waitForOutput(service, /chatwarden is listening/);
    const second = service.output();
    for (const value of [key, password, secret]) expect(second).not.toContain(value);
    expect(second).toMatch(/Dev API key:\s+cwk_\w+_…/);
    expect(second).toMatch(/--reset-dev/);
    expect((await verifySignature(key, secret, 'msg_keep_1')).status).toBe(200);
    expect(await login(password)).toBe(true);
    await service.stop();

    // --reset-dev: new credentials printed; the old ones are refused and the old secret is gone from secrets.json.
    service = startService({ cwd, env: { PORT: String(port) }, args: ['--reset-dev'] });
    const [, newKey] = await waitForOutput(service, /Dev API key:\s+(cwk_\S+)/);
    const [, newPassword] = await waitForOutput(service, /Demo user:\s+demo \/ (\S+)/);
    const [, newSecret] = await waitForOutput(service, /Demo webhooks:\s+Standard Webhooks, secret (whsec_\S+)/);
    await waitForOutput(service, /chatwarden is listening/);
    expect([newKey, newPassword, newSecret]).not.toContain(key);
    expect(newKey).not.toBe(key);
    expect(newSecret).not.toBe(secret);
    expect((await verifySignature(newKey, newSecret, 'msg_reset_1')).status).toBe(200);
    const oldKey = await request(url).post('/v1/verify/signature').set('authorization', `Bearer ${key}`).send({ bot: 'demo', headers: {}, body });
    expect(oldKey.body.error).toBe('api_key_invalid');
    const oldSecret = await verifySignature(newKey, secret, 'msg_reset_2');
    expect(oldSecret.body).toMatchObject({ valid: false, error: 'signature_invalid' });
    expect(await login(password)).toBe(false);
    expect(await login(newPassword)).toBe(true);
    const stored = JSON.parse(readFileSync(join(cwd, 'keys', 'secrets.json'), 'utf8')) as { bots: Record<string, unknown[]> };
    expect(stored.bots.demo).toHaveLength(1);
    expect(readFileSync(join(cwd, 'keys', 'dev-credentials.json'), 'utf8')).not.toContain(newSecret);
  }, 180_000);

  it('prints no framework bootstrap lines at the default level', async () => {
    const port = await freePort();
    service = startService({ cwd, env: { PORT: String(port) } });
    await waitForOutput(service, /chatwarden is listening/);
    expect(service.output()).not.toMatch(/RoutesResolver|RouterExplorer|InstanceLoader/);
    expect(service.output().split('\n').filter((line) => line.startsWith('{')).length).toBeLessThan(5);
  }, 180_000);
});

describe('production', () => {
  it('a config file named by CHATWARDEN_CONFIG that does not exist is an error (exit 78), not dev mode', async () => {
    const service = startService({ cwd, env: { CHATWARDEN_CONFIG: join(cwd, 'chatwarden-typo.yaml') } });
    expect(await service.exited).toBe(78);
    expect(service.output()).toMatch(/no config file at .*chatwarden-typo\.yaml \(named by CHATWARDEN_CONFIG\)/);
    expect(service.output()).not.toMatch(/Dev API key|listening/);
    expect(existsSync(join(cwd, 'keys'))).toBe(false);
  }, 180_000);

  it('without a config file exits non-zero and says how to fix it', async () => {
    const service = startService({ cwd, env: { NODE_ENV: 'production' } });
    expect(await service.exited).not.toBe(0);
    expect(service.output()).toMatch(/no config file at .*chatwarden\.yaml.*CHATWARDEN_CONFIG/);
    expect(existsSync(join(cwd, 'keys'))).toBe(false);
  }, 180_000);

  it('with an invalid config exits non-zero naming the field', async () => {
    writeFileSync(join(cwd, 'chatwarden.yaml'), 'publicUrl: https://auth.example.com\nbots:\n  shop:\n    origins: [https://shop.example.com]\n    webhook: { scheme: chatbase, secrets: [literal-secret-value] }\ntokens: { ttlSeconds: 5 }\n');
    const service = startService({ cwd, env: { NODE_ENV: 'production' } });
    expect(await service.exited).not.toBe(0);
    expect(service.output()).toMatch(/tokens\.ttlSeconds/);
    expect(service.output()).toMatch(/bots\.shop\.webhook\.secrets\.0: literal secrets are refused/);
    expect(service.output()).not.toContain('literal-secret-value');
  }, 180_000);
});
