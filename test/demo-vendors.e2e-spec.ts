/**
 * The /demo vendor picker's server side, over HTTP: for every token vendor,
 * the mock vendor turns what the widget received into that vendor's webhook
 * and the mock handler's /v1/verify/webhook call accepts it (bots and
 * credentials exactly as dev mode makes them). A token from another demo bot
 * or none at all is refused with the verdict shown; the Chatbase mock drops
 * a user id whose user_hash does not match, as Chatbase does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { stringify } from 'yaml';
import { createApp } from '../src/app.js';
import { ApiClientService } from '../src/clients/api-client.service.js';
import { loadConfig } from '../src/config/config.loader.js';
import { demoVendorBots } from '../src/demo/demo-vendors.js';
import { createRootLogger } from '../src/observability/logger.js';
import { baseConfig } from './support/test-app.js';

let app: NestFastifyApplication;
let url: string;
let issueKey: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatwarden-demo-vendors-'));
  const raw = baseConfig(join(dir, 'keys'));
  raw.bots = demoVendorBots(['http://127.0.0.1']);
  const path = join(dir, 'chatwarden.yaml');
  writeFileSync(path, stringify(raw));
  const config = loadConfig({ path, env: {} });
  config.devMode = true;
  app = await createApp(config, createRootLogger('silent'), { docsUi: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  issueKey = (await app.get(ApiClientService).add('issuer', ['issue'])).key;
}, 60_000);
afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function tokenFor(bot: string): Promise<{ token: string; identity?: { chatbase?: { userId: string; userHash: string } } }> {
  const issued = await request(url).post('/v1/tokens').set('authorization', `Bearer ${issueKey}`).send({ bot, subject: 'alice', roles: ['customer'] });
  expect(issued.status).toBe(201);
  return issued.body;
}

/** What each mock widget holds after the embed.js adapter ran (see demo-page.ts). */
const CARRIED: Record<string, (answer: Awaited<ReturnType<typeof tokenFor>>) => Record<string, unknown>> = {
  inbenta: ({ token }) => ({ user_token: token }),
  chatbotcom: ({ token }) => ({ user_token: token }),
  chatbase: ({ token, identity }) => ({ user_id: identity!.chatbase!.userId, user_hash: identity!.chatbase!.userHash, user_metadata: { user_token: token } }),
  salesiq: ({ token }) => ({ user_token: token }),
};

const ask = (vendor: string, carried: Record<string, unknown>, action = 'orders.lookup') => request(url).post('/demo/webhook').send({ action, vendor, carried });

describe.each(Object.keys(CARRIED))('%s', (vendor) => {
  it("the vendor-shaped webhook passes /v1/verify/webhook with the vendor's scheme and the bot answers", async () => {
    const response = await ask(vendor, CARRIED[vendor](await tokenFor(`demo-${vendor}`)));
    expect(response.status).toBe(200);
    expect(response.body.request.url).toBe('/v1/verify/webhook');
    expect(response.body.response).toMatchObject({ status: 200, body: { valid: true, signature: { scheme: vendor === 'salesiq' ? 'convokraft' : vendor }, token: { subject: 'alice', bot: `demo-${vendor}` } } });
    expect(response.body.reply).toMatch(/^Hi alice, you have 2 orders/);
    expect(response.body.vendorCall.vendor).toBe(vendor);
    // Credentials never reach the page: every vendor header but the content type is redacted.
    for (const [name, value] of Object.entries(response.body.vendorCall.headers as Record<string, string>)) if (name !== 'content-type') expect(value).toBe('…(redacted)');
  });

  it("another bot's token is refused (wrong_bot), and no token is token_missing", async () => {
    const other = vendor === 'inbenta' ? 'demo-chatbotcom' : 'demo-inbenta';
    const foreign = await tokenFor(other);
    const carried = CARRIED[vendor]({ ...foreign, identity: { chatbase: { userId: 'alice', userHash: '00' } } });
    const wrong = await ask(vendor, carried);
    expect(wrong.body.response).toMatchObject({ status: 401, body: { valid: false, error: 'wrong_bot' } });
    const none = await ask(vendor, {});
    expect(none.body.response).toMatchObject({ status: 401, body: { valid: false, error: 'token_missing' } });
  });
});

it('Chatbase: a user_hash that does not match drops the user id from the webhook, as Chatbase does', async () => {
  const answer = await tokenFor('demo-chatbase');
  const good = await ask('chatbase', CARRIED.chatbase(answer));
  expect(good.body.vendorCall.body.payload.user_id).toBe('alice');
  const forged = await ask('chatbase', { ...CARRIED.chatbase(answer), user_id: 'mallory' });
  expect(forged.body.vendorCall.body.payload.user_id).toBeUndefined();
});

it('proof vendors: the handler verifies the token with /v1/verify/token on bot demo-proofs', async () => {
  const { token } = await tokenFor('demo-proofs');
  const response = await request(url).post('/demo/webhook').send({ action: 'orders.lookup', vendor: 'zendesk', carried: {}, token });
  expect(response.body).toMatchObject({ request: { url: '/v1/verify/token', body: { bot: 'demo-proofs' } }, response: { status: 200, body: { valid: true, subject: 'alice' } } });
  expect(response.body.vendorCall).toBeUndefined();
});

it('an unknown vendor is a 400', async () => {
  const response = await request(url).post('/demo/webhook').send({ action: 'orders.lookup', vendor: '__proto__', carried: {} });
  expect(response.status).toBe(400);
});
