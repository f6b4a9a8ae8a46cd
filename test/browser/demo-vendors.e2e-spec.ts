/**
 * The /demo vendor picker in Chromium. Two vendors, one of each kind:
 * Chatbase (the token rides in `identify`'s user_metadata and comes back in
 * a Chatbase-shaped webhook signed with x-chatbase-signature, verified by
 * /v1/verify/webhook) and Zendesk Messaging (an identity proof handed to
 * zE's loginUser callback; the handler verifies the site's token with
 * /v1/verify/token). For each: log in, see the mock widget API record the
 * adapter's call, ask the bot, see the verdict; an action the user may not
 * run is refused. The page has no inline script (strict CSP).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { stringify } from 'yaml';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.loader.js';
import { demoVendorBots } from '../../src/demo/demo-vendors.js';
import { createRootLogger } from '../../src/observability/logger.js';
import { cliUsers, LOCKOUT } from '../login-support.js';
import { chromiumAvailable } from '../support/services.js';
import { baseConfig } from '../support/test-app.js';
import { launchChromium, startFrontDoor, type FrontDoor } from './host-site.js';

const PASSWORD = 'correct horse battery';
const describeWithChromium = chromiumAvailable() ? describe : describe.skip;

describeWithChromium('the /demo vendor picker', () => {
  let browser: Browser;
  let door: FrontDoor;
  let app: NestFastifyApplication;
  let dir: string;
  let context: BrowserContext;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    // The demo page and the login page share one origin, as in dev mode.
    door = await startFrontDoor();
    dir = mkdtempSync(join(tmpdir(), 'chatwarden-demo-vendors-'));
    const raw = baseConfig(join(dir, 'keys'));
    raw.publicUrl = door.url;
    raw.login = { local: true, lockout: LOCKOUT };
    raw.roles = { customer: ['orders:read', 'account:read'] };
    // The dev-mode picker bots exactly as dev mode makes them, for this test's origin.
    raw.bots = demoVendorBots([door.url]);
    const path = join(dir, 'chatwarden.yaml');
    writeFileSync(path, stringify(raw));
    const config = loadConfig({ path, env: {} });
    config.devMode = true;
    app = await createApp(config, createRootLogger('silent'), { docsUi: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    door.target = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    await cliUsers(config).add('demo', ['customer'], PASSWORD);
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await door?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    context = await browser.newContext();
  });
  afterEach(() => context.close());

  async function openAndLogIn(vendor: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${door.url}/demo`);
    // The picker is a plain form: choosing a vendor reloads the page for it.
    await page.selectOption('#vendor', vendor);
    await Promise.all([page.waitForURL(`${door.url}/demo?vendor=${vendor}`), page.click('#vendor-go')]);
    await page.click('#login-iframe');
    const frame = page.frameLocator('#login-frame iframe');
    await frame.locator('#username').fill('demo');
    await frame.locator('#password').fill(PASSWORD);
    await frame.locator('button[type="submit"]').click();
    await page.waitForFunction(() => document.getElementById('login-status')!.textContent!.startsWith('Logged in.'));
    return page;
  }

  async function ask(page: Page, action: string, answer: RegExp): Promise<string> {
    const before = await page.locator('#chat li').count();
    await page.click(`button[data-action="${action}"]`);
    await page.waitForFunction((count) => document.querySelectorAll('#chat li').length >= count + 2, before);
    await expect(page.locator('#chat li').last().textContent()).resolves.toMatch(answer);
    return (await page.locator('#webhook-log').textContent()) ?? '';
  }

  it('Chatbase: identify carries the token, and a Chatbase-signed webhook with it passes /v1/verify/webhook', async () => {
    const page = await openAndLogIn('chatbase');
    const calls = (await page.locator('#variable-log').textContent()) ?? '';
    // The adapter's call as the mock chatbase() recorded it: user_id, user_hash and the token in user_metadata.
    expect(calls).toMatch(/chatbase\("identify", \{"user_id":"demo","user_hash":"[0-9a-f]{12}…[0-9a-f]{8} \(64 chars\)","user_metadata":\{"user_token":"eyJ[^"]+"\}\}\)/);

    const log = await ask(page, 'orders.lookup', /^Hi demo, you have 2 orders/);
    expect(log).toContain('chatbase → webhook handler');
    expect(log).toContain('"x-chatbase-signature": "…(redacted)"');
    expect(log).toContain('"url": "/v1/verify/webhook"');
    expect(log).toMatch(/"valid": true,\s+"signature": \{\s+"valid": true,\s+"scheme": "chatbase"/);

    const refused = await ask(page, 'account.update', /./);
    expect(refused).toMatch(/"error": "permission_denied"/);

    // Logout: the mock widget records resetUser, and the next webhook carries no token.
    await page.click('#logout');
    await page.waitForFunction(() => /chatbase\("resetUser"\)/.test(document.getElementById('variable-log')!.textContent ?? ''));
    expect(await ask(page, 'orders.lookup', /./)).toMatch(/"error": "token_missing"/);
    expect(cspViolations).toEqual([]);
  });

  it('Zendesk: the Messenger receives the JWT through loginUser, and the handler verifies the token with /v1/verify/token', async () => {
    const page = await openAndLogIn('zendesk');
    const calls = (await page.locator('#variable-log').textContent()) ?? '';
    expect(calls).toContain('zE("messenger", "loginUser", "<callback>")');
    expect(calls).toMatch(/loginUser callback → jwt\("eyJ[^"]+"\)/);

    const log = await ask(page, 'orders.lookup', /^Hi demo, you have 2 orders/);
    expect(log).toContain('"url": "/v1/verify/token"');
    expect(log).toContain('"bot": "demo-proofs"');
    expect(log).not.toContain('zendesk → webhook handler'); // no vendor call: Zendesk sends no chatwarden token
    expect(cspViolations).toEqual([]);
  });
});
