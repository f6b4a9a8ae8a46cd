/**
 * The login page in a real Chromium (playwright-core, the system browser):
 * a host site on one origin frames the login page and receives the token by
 * postMessage, the popup flow through embed.js, a site outside the bot's
 * origins can neither frame the page (CSP) nor receive a token, lockout after
 * the configured failures, keyboard-only login, narrow screens, and the
 * embed.js refresh/logout round trip with the Inbenta adapter.
 * One browser for the file, one context per test.
 */
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { cliUsers, LOCKOUT, loginConfig } from '../login-support.js';
import { chromiumAvailable } from '../support/services.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { startHostSite, launchChromium, verifyToken, type HostSite } from './host-site.js';

const PASSWORD = 'correct horse battery';
const describeWithChromium = chromiumAvailable() ? describe : describe.skip;

describeWithChromium('login page in Chromium', () => {
  let browser: Browser;
  let t: TestApp;
  let host: HostSite;
  let outsider: HostSite;
  let context: BrowserContext;
  /** CSP violations reported by any page of the current test (none is expected on chatwarden's pages). */
  let cspViolations: string[];

  beforeAll(async () => {
    host = await startHostSite('localhost');
    outsider = await startHostSite('localhost');
    t = await startTestApp((config) => {
      loginConfig(config, { trustProxy: [], origins: [host.origin] });
      // Only for its button: no provider is contacted unless the button is followed.
      config.sso = { corp: { issuer: 'https://idp.example.com', clientId: 'chatwarden' } };
    });
    host.chatwarden = t.url;
    outsider.chatwarden = t.url;
    const users = cliUsers(t.config);
    await users.add('alice', ['customer'], PASSWORD);
    await users.add('keyboard', ['customer'], PASSWORD);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await host?.close();
    await outsider?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext();
    cspViolations = [];
    context.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text()) && message.text().includes(t.url)) cspViolations.push(message.text());
    });
  });
  afterEach(() => context.close());

  const verify = (token: string) => verifyToken(t, token);

  async function tokenMessages(page: Page): Promise<Array<{ origin: string; data: { type: string; token: string; expiresAt: string } }>> {
    return page.evaluate(() =>
      (window as unknown as { messages: Array<{ origin: string; data: { type?: string } }> }).messages.filter((m) => m.data?.type === 'chatwarden:token'),
    ) as never;
  }

  const loginUrl = (origin: string, mode: string) => `${t.url}/login?bot=shop&origin=${encodeURIComponent(origin)}&mode=${mode}`;

  it('a host page on an allowed origin frames the login page and receives the token by postMessage', async () => {
    const page = await context.newPage();
    await page.goto(host.url(`/frame.html?src=${encodeURIComponent(loginUrl(host.origin, 'iframe'))}`));
    const frame = page.frameLocator('#login');
    await frame.locator('#username').fill('alice');
    await frame.locator('#password').fill(PASSWORD);
    await frame.locator('button[type="submit"]').click();
    await page.waitForFunction(() => (window as unknown as { messages: unknown[] }).messages.length > 0);
    const [message] = await tokenMessages(page);
    expect(message.origin).toBe(t.url);
    expect(Object.keys(message.data).sort()).toEqual(['expiresAt', 'token', 'type']);
    const verified = await verify(message.data.token);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ subject: 'alice', bot: 'shop', authMethod: 'pwd' });
    await expect(frame.locator('#status').textContent()).resolves.toMatch(/signed in/i);
    expect(cspViolations).toEqual([]);
  });

  it('embed.js in iframe mode resolves with the token and feeds the Inbenta adapter', async () => {
    const page = await context.newPage();
    await page.goto(host.url('/embed.html?conversation=conv-7'));
    await page.click('#iframe');
    // A message that is not from chatwarden's origin and window is ignored, whatever it claims.
    await page.evaluate(() => window.postMessage({ type: 'chatwarden:token', token: 'forged', expiresAt: '2099-01-01T00:00:00Z' }, '*'));
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => (window as unknown as { result?: unknown }).result)).toBeUndefined();
    const frame = page.frameLocator('iframe[title="Sign in"]');
    await frame.locator('#username').fill('alice');
    await frame.locator('#password').fill(PASSWORD);
    await frame.locator('#password').press('Enter');
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined);
    const result = await page.evaluate(() => (window as unknown as { result: { token: string; expiresAt: string } }).result);
    expect((await verify(result.token)).status).toBe(200);
    expect(await page.evaluate(() => (window as unknown as { sdk: { calls: unknown[] } }).sdk.calls)).toEqual([['user_token', result.token]]);
    // The overlay is gone once the token arrived.
    expect(await page.locator('iframe[title="Sign in"]').count()).toBe(0);
    expect(cspViolations).toEqual([]);
  });

  it('a popup opened from the login iframe (the SSO button) hands its token back through the iframe', async () => {
    const page = await context.newPage();
    await page.goto(host.url('/embed.html'));
    await page.click('#iframe');
    const frame = (await (await page.waitForSelector('iframe[title="Sign in"]')).contentFrame())!;
    await frame.waitForSelector('a[data-sso="corp"]');
    // Point the button at a password login in popup mode instead of the identity provider: the popup's
    // opener is then the login iframe, exactly as after an SSO callback.
    await frame.evaluate((url) => document.querySelector<HTMLAnchorElement>('a[data-sso="corp"]')!.setAttribute('href', url), loginUrl(host.origin, 'popup'));
    const [popup] = await Promise.all([page.waitForEvent('popup'), frame.click('a[data-sso="corp"]')]);
    await popup.fill('#username', 'alice');
    await popup.fill('#password', PASSWORD);
    await popup.click('button[type="submit"]');
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined);
    const result = await page.evaluate(() => (window as unknown as { result: { token: string } }).result);
    expect((await verify(result.token)).body.subject).toBe('alice');
    // The host saw the token only from chatwarden's origin (relayed by the iframe embed.js opened).
    expect((await tokenMessages(page)).map((m) => m.origin)).toEqual([t.url]);
  });

  it('the popup flow through embed.js delivers the token to the opener and closes the popup', async () => {
    const page = await context.newPage();
    await page.goto(host.url('/embed.html'));
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#popup')]);
    await popup.waitForLoadState();
    expect(popup.url()).toBe(loginUrl(host.origin, 'popup'));
    await popup.fill('#username', 'alice');
    await popup.fill('#password', PASSWORD);
    await Promise.all([popup.waitForEvent('close'), popup.click('button[type="submit"]')]);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined);
    const result = await page.evaluate(() => (window as unknown as { result: { token: string } }).result);
    expect((await verify(result.token)).body).toMatchObject({ subject: 'alice', authMethod: 'pwd' });
    expect(cspViolations).toEqual([]);
  });

  it('embed.js refreshes through CORS, and logout clears the hidden variable and ends the session', async () => {
    const page = await context.newPage();
    await page.goto(host.url('/embed.html'));
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#popup')]);
    await popup.fill('#username', 'alice');
    await popup.fill('#password', PASSWORD);
    await popup.click('button[type="submit"]');
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined);
    const first = await page.evaluate(() => (window as unknown as { result: { token: string } }).result.token);
    const refreshed = await page.evaluate(async () => {
      const cw = (window as unknown as { chatwarden: { refresh(): Promise<void>; token(): { token: string } | null } }).chatwarden;
      await cw.refresh();
      return cw.token()?.token;
    });
    expect(refreshed).toBeDefined();
    expect(refreshed).not.toBe(first);
    expect((await verify(refreshed!)).status).toBe(200);
    await page.evaluate(() => (window as unknown as { chatwarden: { logout(): Promise<void> } }).chatwarden.logout());
    const calls = await page.evaluate(() => (window as unknown as { sdk: { calls: string[][] } }).sdk.calls);
    expect(calls.map(([, value]) => value)).toEqual([first, refreshed, '']);
    expect((await verify(refreshed!)).body.error).toBe('session_revoked');
  });

  it('a site outside the bot origins cannot frame the login page (CSP frame-ancestors)', async () => {
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/frame-ancestors/.test(message.text())) blocked.push(message.text());
    });
    for (const origin of [host.origin, outsider.origin]) {
      await page.goto(outsider.url(`/frame.html?src=${encodeURIComponent(loginUrl(origin, 'iframe'))}`));
      await page.waitForTimeout(300);
      const loginFrame = page.frames().find((f) => f !== page.mainFrame());
      expect(loginFrame).toBeDefined();
      // A blocked frame shows the browser's error page, never the form.
      expect(await loginFrame!.locator('#username').count()).toBe(0);
    }
    expect(blocked.length).toBeGreaterThanOrEqual(2);
  });

  it('a site outside the bot origins never receives a token, even if the user logs in', async () => {
    const page = await context.newPage();
    await page.goto(outsider.url('/embed.html'));
    // It pretends to be the allowed origin: the page loads in a popup (no framing involved)…
    const popup = await page.evaluate((url) => {
      (window as unknown as { opened: Window | null }).opened = window.open(url, 'pretender', 'popup');
      return true;
    }, loginUrl(host.origin, 'popup'));
    expect(popup).toBe(true);
    const loginPopup = await context.waitForEvent('page');
    await loginPopup.waitForLoadState();
    await loginPopup.fill('#username', 'alice');
    await loginPopup.fill('#password', PASSWORD);
    await loginPopup.click('button[type="submit"]');
    await page.waitForTimeout(1500);
    // …but the token was posted with targetOrigin = the allowed origin, so the browser dropped it.
    expect(await tokenMessages(page)).toEqual([]);

    // With its own origin it gets the friendly 400 page and no form at all.
    const [refused] = await Promise.all([page.waitForEvent('popup'), page.click('#popup')]);
    await refused.waitForLoadState();
    await expect(refused.locator('h1').textContent()).resolves.toMatch(/isn't valid/);
    await expect(refused.locator('[role="alert"]').textContent()).resolves.toMatch(/not allowed to use this sign-in page/);
    expect(await refused.locator('#username').count()).toBe(0);
    await refused.close();
    await page.waitForFunction(() => (window as unknown as { loginError?: string }).loginError === 'cancelled');
    expect(await tokenMessages(page)).toEqual([]);
  });

  it(`locks the account after ${LOCKOUT.maxFailures} failures and says when to retry`, async () => {
    const users = cliUsers(t.config);
    await users.add('mallory', ['customer'], PASSWORD);
    const page = await context.newPage();
    await page.goto(loginUrl(host.origin, 'popup'));
    for (let attempt = 1; attempt < LOCKOUT.maxFailures; attempt++) {
      await page.fill('#username', 'mallory');
      await page.fill('#password', `wrong password ${attempt}`);
      await page.click('button[type="submit"]');
      await expect(page.locator('#login-error').textContent()).resolves.toBe('The username or password is not correct.');
      // The form comes back with the username kept and the password field focused.
      expect(await page.inputValue('#username')).toBe('mallory');
    }
    await page.fill('#password', 'wrong password again');
    await page.click('button[type="submit"]');
    await expect(page.locator('h1').textContent()).resolves.toBe('Too many attempts');
    await expect(page.locator('[role="alert"]').textContent()).resolves.toBe(
      `Too many failed sign-in attempts. Please try again in ${LOCKOUT.banSeconds / 60} minutes.`,
    );
    // Even the right password is refused now.
    await page.goto(loginUrl(host.origin, 'popup'));
    await page.fill('#username', 'mallory');
    await page.fill('#password', PASSWORD);
    await page.click('button[type="submit"]');
    await expect(page.locator('h1').textContent()).resolves.toBe('Too many attempts');
    expect(cspViolations).toEqual([]);
  });

  it('logs in with the keyboard only', async () => {
    const page = await context.newPage();
    await page.goto(host.url('/embed.html'));
    // Tab to the popup button and press Enter: a keyboard activation may open the popup.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('popup');
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.keyboard.press('Enter')]);
    await popup.waitForLoadState();
    // The username field has focus on arrival; Tab order is username → password → Sign in.
    expect(await popup.evaluate(() => document.activeElement?.id)).toBe('username');
    await popup.keyboard.type('keyboard');
    await popup.keyboard.press('Tab');
    expect(await popup.evaluate(() => document.activeElement?.id)).toBe('password');
    await popup.keyboard.type(PASSWORD);
    await popup.keyboard.press('Tab');
    expect(await popup.evaluate(() => document.activeElement?.textContent)).toBe('Sign in');
    await popup.keyboard.press('Enter');
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined);
    const result = await page.evaluate(() => (window as unknown as { result: { token: string } }).result);
    expect((await verify(result.token)).body.subject).toBe('keyboard');
  });

  it('fits a 320px wide screen without horizontal scrolling, with a visible focus ring', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto(loginUrl(host.origin, 'popup'));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    const box = await page.locator('button[type="submit"]').boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(320);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).toBe('solid');
    // The bot's primaryColor arrives through the external theme stylesheet.
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('button.primary')!).backgroundColor)).toBe('rgb(255, 204, 0)');
  });
});
