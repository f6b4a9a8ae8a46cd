/**
 * `npm start` on a fresh machine: no config file → dev mode that works with
 * no set-up; NODE_ENV=production without a valid config → exits non-zero
 * naming the field and the fix.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { freePort, startService, waitForOutput, type ServiceProcess } from './support/process.js';

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
  });

  it('prints a webhook secret for the demo bot, checked by /v1/verify/signature, and a new one at every start', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    service = startService({ cwd, env: { PORT: String(port) } });
    const [, key] = await waitForOutput(service, /Dev API key:\s+(cwk_\S+)/);
    const [, secret] = await waitForOutput(service, /Demo webhooks:\s+Standard Webhooks, secret (whsec_\S+)/);
    await waitForOutput(service, /chatwarden is listening/);

    // Signed by the Standard Webhooks reference library, as a vendor would.
    const signed = (id: string, body: string) => {
      const at = new Date();
      return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) };
    };
    const body = '{"type":"order.shipped","orderId":"o-1"}';
    const verify = (headers: Record<string, string>) =>
      request(url).post('/v1/verify/signature').set('authorization', `Bearer ${key}`).send({ bot: 'demo', headers, body });
    const accepted = await verify(signed('msg_dev_1', body));
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ valid: true, scheme: 'standard-webhooks', eventId: 'msg_dev_1' });
    expect(service.output().split(secret)).toHaveLength(2);

    // The next start retires this secret: a webhook signed with it is refused.
    await service.stop();
    service = startService({ cwd, env: { PORT: String(port) } });
    const [, nextKey] = await waitForOutput(service, /Dev API key:\s+(cwk_\S+)/);
    const [, nextSecret] = await waitForOutput(service, /Demo webhooks:\s+Standard Webhooks, secret (whsec_\S+)/);
    await waitForOutput(service, /chatwarden is listening/);
    expect(nextSecret).not.toBe(secret);
    const stale = await request(url).post('/v1/verify/signature').set('authorization', `Bearer ${nextKey}`).send({ bot: 'demo', headers: signed('msg_dev_2', body), body });
    expect(stale.status).toBe(401);
    expect(stale.body).toMatchObject({ valid: false, error: 'signature_invalid' });
  });
});

describe('production', () => {
  it('without a config file exits non-zero and says how to fix it', async () => {
    const service = startService({ cwd, env: { NODE_ENV: 'production' } });
    expect(await service.exited).not.toBe(0);
    expect(service.output()).toMatch(/no config file at .*chatwarden\.yaml.*CHATWARDEN_CONFIG/);
    expect(existsSync(join(cwd, 'keys'))).toBe(false);
  });

  it('with an invalid config exits non-zero naming the field', async () => {
    writeFileSync(join(cwd, 'chatwarden.yaml'), 'publicUrl: https://auth.example.com\nbots:\n  shop:\n    origins: [https://shop.example.com]\n    webhook: { scheme: chatbase, secrets: [literal-secret-value] }\ntokens: { ttlSeconds: 5 }\n');
    const service = startService({ cwd, env: { NODE_ENV: 'production' } });
    expect(await service.exited).not.toBe(0);
    expect(service.output()).toMatch(/tokens\.ttlSeconds/);
    expect(service.output()).toMatch(/bots\.shop\.webhook\.secrets\.0: literal secrets are refused/);
    expect(service.output()).not.toContain('literal-secret-value');
  });
});
