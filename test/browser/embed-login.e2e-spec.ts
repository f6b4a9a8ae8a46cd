/**
 * embed.js keeps one login open at a time and never gets stuck (issue 11
 * item 23), in a real Chromium (playwright-core, the system browser): a
 * second `chatwarden.login()` leaves the open one usable (same request:
 * shares its outcome; another: refused with `busy`), the user can always
 * close a login (close button in a container or the overlay, Escape, closing
 * the popup, the host removing the frame, `cancel()`), each ending rejects
 * with `cancelled` and lets the next login start, and a blocked popup does
 * not leave a login behind. Then the /demo page's buttons, which used to
 * hide the frame and answer "a login is already in progress" until a reload.
 * One browser for the file, one context per test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { stringify } from 'yaml';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.loader.js';
import { createRootLogger } from '../../src/observability/logger.js';
import { cliUsers, LOCKOUT, loginConfig } from '../login-support.js';
import { chromiumAvailable } from '../support/services.js';
import { baseConfig, startTestApp, type TestApp } from '../support/test-app.js';
import { launchChromium, startFrontDoor, startHostSite, verifyToken, type FrontDoor, type HostSite } from './host-site.js';

const PASSWORD = 'correct horse battery';
const describeWithChromium = chromiumAvailable() ? describe : describe.skip;

type HostWindow = {
  result?: { token: string; expiresAt: string };
  loginError?: string;
  chatwarden: {
    login(options: Record<string, unknown>): Promise<{ token: string; expiresAt: string }>;
    cancel(): void;
    token(): { token: string } | null;
  };
  /** Outcomes of logins started by page.evaluate below, by name. */
  outcomes: Record<string, { token?: string; error?: string; message?: string }>;
};

/** Starts `chatwarden.login(options)` in the page without waiting; its outcome lands in `window.outcomes[name]`. */
function startLogin(page: Page, name: string, options: Record<string, unknown>): Promise<void> {
  return page.evaluate(
    ([name, options]) => {
      const w = window as unknown as HostWindow;
      w.outcomes ??= {};
      w.chatwarden.login(options).then(
        (token) => (w.outcomes[name] = { token: token.token }),
        (error: { code: string; message: string }) => (w.outcomes[name] = { error: error.code, message: error.message }),
      );
    },
    [name, options] as const,
  );
}

async function outcome(page: Page, name: string): Promise<{ token?: string; error?: string; message?: string }> {
  const handle = await page.waitForFunction((name) => (window as unknown as HostWindow).outcomes?.[name], name);
  return (await handle.jsonValue()) as { token?: string; error?: string; message?: string };
}

describeWithChromium('embed.js: one login at a time, always closable', () => {
  let browser: Browser;
  let t: TestApp;
  let host: HostSite;
  let context: BrowserContext;

  beforeAll(async () => {
    host = await startHostSite('localhost');
    t = await startTestApp((config) => loginConfig(config, { trustProxy: [], origins: [host.origin] }));
    host.chatwarden = t.url;
    await cliUsers(t.config).add('alice', ['customer'], PASSWORD);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await host?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext();
  });
  afterEach(() => context.close());

  async function signInInFrame(page: Page): Promise<void> {
    const frame = page.frameLocator('iframe[title="Sign in"]');
    await frame.locator('#username').fill('alice');
    await frame.locator('#password').fill(PASSWORD);
    await frame.locator('button[type="submit"]').click();
  }

  async function hostPage(): Promise<Page> {
    const page = await context.newPage();
    await page.goto(host.url('/embed.html'));
    return page;
  }

  it('a second login() while an iframe login is open: the open one stays usable and visible', async () => {
    const page = await hostPage();
    await page.click('#iframe');
    await page.frameLocator('iframe[title="Sign in"]').locator('#username').waitFor();
    // Another request (a popup) is refused with a clear error; no popup opens.
    await startLogin(page, 'popup', { bot: 'shop', mode: 'popup' });
    expect(await outcome(page, 'popup')).toEqual({ error: 'busy', message: expect.stringMatching(/already open: finish or close it first/) });
    expect(context.pages()).toHaveLength(1);
    // The same request (a double click) shares the open login's outcome.
    await startLogin(page, 'again', { bot: 'shop', mode: 'iframe' });
    expect(await page.locator('iframe[title="Sign in"]').count()).toBe(1);
    await expect(page.locator('iframe[title="Sign in"]').isVisible()).resolves.toBe(true);
    await signInInFrame(page);
    const again = await outcome(page, 'again');
    await page.waitForFunction(() => (window as unknown as HostWindow).result !== undefined);
    const first = await page.evaluate(() => (window as unknown as HostWindow).result!.token);
    expect(again.token).toBe(first);
    expect((await verifyToken(t, first)).body).toMatchObject({ valid: true, subject: 'alice' });
    expect(await page.locator('iframe[title="Sign in"]').count()).toBe(0);
  });

  it('a login in the host container has a close button: the promise rejects with cancelled and the next login works', async () => {
    const page = await hostPage();
    await page.evaluate(() => {
      const box = document.createElement('div');
      box.id = 'box';
      box.style.height = '480px';
      document.body.appendChild(box);
    });
    await startLogin(page, 'boxed', { bot: 'shop', mode: 'iframe', container: '#box' });
    await page.frameLocator('#box iframe[title="Sign in"]').locator('#username').waitFor();
    await page.click('#box button[aria-label="Close sign-in"]');
    expect(await outcome(page, 'boxed')).toMatchObject({ error: 'cancelled' });
    expect(await page.locator('#box').innerHTML()).toBe('');
    // Nothing is left open: a new login starts and completes.
    await startLogin(page, 'next', { bot: 'shop', mode: 'iframe', container: '#box' });
    await signInInFrame(page);
    expect((await outcome(page, 'next')).token).toEqual(expect.any(String));
  });

  it('the overlay closes with its button and with Escape, each time resetting the state', async () => {
    const page = await hostPage();
    await startLogin(page, 'one', { bot: 'shop', mode: 'iframe' });
    await page.locator('iframe[title="Sign in"]').waitFor();
    await page.click('button[aria-label="Close sign-in"]');
    expect(await outcome(page, 'one')).toMatchObject({ error: 'cancelled' });
    await startLogin(page, 'two', { bot: 'shop', mode: 'iframe' });
    await page.locator('iframe[title="Sign in"]').waitFor();
    // Escape is the host page's key: once the frame has loaded it holds the focus, so give it back to the host first.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Escape');
    expect(await outcome(page, 'two')).toMatchObject({ error: 'cancelled' });
    expect(await page.locator('[role="dialog"]').count()).toBe(0);
  });

  it('the host removing the frame ends the login instead of leaving it open', async () => {
    const page = await hostPage();
    await page.evaluate(() => {
      const box = document.createElement('div');
      box.id = 'box';
      document.body.appendChild(box);
    });
    await startLogin(page, 'removed', { bot: 'shop', mode: 'iframe', container: '#box' });
    await page.locator('#box iframe').waitFor();
    await page.evaluate(() => document.getElementById('box')!.remove());
    expect(await outcome(page, 'removed')).toMatchObject({ error: 'cancelled', message: expect.stringMatching(/removed/) });
    await startLogin(page, 'after', { bot: 'shop', mode: 'iframe' });
    await page.locator('iframe[title="Sign in"]').waitFor();
  });

  it('a popup login: a second login() brings it to the front; closing it rejects with cancelled and resets', async () => {
    const page = await hostPage();
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#popup')]);
    await popup.waitForLoadState();
    await startLogin(page, 'iframe', { bot: 'shop', mode: 'iframe' });
    expect(await outcome(page, 'iframe')).toMatchObject({ error: 'busy' });
    expect(await page.locator('iframe[title="Sign in"]').count()).toBe(0);
    await popup.close();
    await page.waitForFunction(() => (window as unknown as HostWindow).loginError === 'cancelled');
    // A new popup login works and completes.
    const [second] = await Promise.all([page.waitForEvent('popup'), page.click('#popup')]);
    await second.fill('#username', 'alice');
    await second.fill('#password', PASSWORD);
    await second.click('button[type="submit"]');
    await page.waitForFunction(() => (window as unknown as HostWindow).result !== undefined);
  });

  it('cancel() closes the open popup and rejects its promise', async () => {
    const page = await hostPage();
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#popup')]);
    await popup.waitForLoadState();
    await Promise.all([popup.waitForEvent('close'), page.evaluate(() => (window as unknown as HostWindow).chatwarden.cancel())]);
    await page.waitForFunction(() => (window as unknown as HostWindow).loginError === 'cancelled');
  });

  it('a blocked popup rejects with popup_blocked and leaves no login behind', async () => {
    const page = await hostPage();
    await page.evaluate(() => {
      const realOpen = window.open.bind(window);
      // The browser's popup blocker answers window.open with null.
      window.open = () => null;
      (window as unknown as { restoreOpen: () => void }).restoreOpen = () => (window.open = realOpen);
    });
    await startLogin(page, 'blocked', { bot: 'shop', mode: 'popup' });
    expect(await outcome(page, 'blocked')).toMatchObject({ error: 'popup_blocked' });
    await page.evaluate(() => (window as unknown as { restoreOpen: () => void }).restoreOpen());
    await startLogin(page, 'retry', { bot: 'shop', mode: 'iframe' });
    await signInInFrame(page);
    expect((await outcome(page, 'retry')).token).toEqual(expect.any(String));
  });
});

describeWithChromium('the /demo page recovers from every way a login ends', () => {
  let browser: Browser;
  let door: FrontDoor;
  let app: NestFastifyApplication;
  let dir: string;
  let context: BrowserContext;

  beforeAll(async () => {
    // The demo page and the login page share one origin (as in dev mode), known before the service listens.
    door = await startFrontDoor();
    dir = mkdtempSync(join(tmpdir(), 'chatwarden-demo-'));
    const raw = baseConfig(join(dir, 'keys'));
    raw.publicUrl = door.url;
    raw.login = { local: true, lockout: LOCKOUT };
    raw.bots = { demo: { title: 'Demo shop assistant', origins: [door.url], actions: { 'orders.lookup': ['orders:read'], 'account.update': ['account:write'] } } };
    const path = join(dir, 'chatwarden.yaml');
    writeFileSync(path, stringify(raw));
    const config = loadConfig({ path, env: {} });
    // What `npm start` without a config file turns on: the /demo page and its mock webhook.
    config.devMode = true;
    app = await createApp(config, createRootLogger('silent'), { docsUi: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    door.target = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    await cliUsers(config).add('demo', ['customer'], PASSWORD);
    browser = await launchChromium();
  }, 60_000);

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

  it('a second click keeps the frame, the other button switches to a popup, closing either resets, and a login still completes', async () => {
    const page = await context.newPage();
    await page.goto(`${door.url}/demo`);
    const frameBox = page.locator('#login-frame');
    const status = page.locator('#login-status');

    // The reported sequence: iframe, then a second click. The frame used to vanish with the login stuck open.
    await page.click('#login-iframe');
    await page.frameLocator('#login-frame iframe').locator('#username').waitFor();
    await page.click('#login-iframe');
    await expect(frameBox.isVisible()).resolves.toBe(true);
    expect(await page.locator('#login-frame iframe').count()).toBe(1);

    // The popup button while the frame is open: the frame closes and the popup opens.
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#login-popup')]);
    await popup.waitForLoadState();
    await expect(frameBox.isHidden()).resolves.toBe(true);
    expect(await page.locator('#login-frame iframe').count()).toBe(0);
    await popup.close();
    await page.waitForFunction(() => document.getElementById('login-status')!.textContent === 'Login closed. Not logged in.');

    // The frame's close button, then a login that completes.
    await page.click('#login-iframe');
    await page.click('#login-frame button[aria-label="Close sign-in"]');
    await page.waitForFunction(() => document.getElementById('login-status')!.textContent === 'Login closed. Not logged in.');
    await expect(frameBox.isHidden()).resolves.toBe(true);
    await page.click('#login-iframe');
    const frame = page.frameLocator('#login-frame iframe');
    await frame.locator('#username').fill('demo');
    await frame.locator('#password').fill(PASSWORD);
    await frame.locator('button[type="submit"]').click();
    await page.waitForFunction(() => document.getElementById('login-status')!.textContent!.startsWith('Logged in.'));
    await expect(frameBox.isHidden()).resolves.toBe(true);
    await expect(status.textContent()).resolves.toMatch(/^Logged in\./);
    // The widget got the token and the mock webhook accepts it.
    await page.click('button[data-action="orders.lookup"]');
    await page.waitForFunction(() => /you have 2 orders/.test(document.getElementById('chat')!.textContent ?? ''));
  });
});
