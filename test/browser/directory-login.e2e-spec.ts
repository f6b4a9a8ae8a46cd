/**
 * The login page in a real Chromium with a directory user (a real slapd): a
 * host page frames the login page, the user of `login.directory` signs in,
 * the token arrives by postMessage and carries the permissions of the
 * user's directory groups; with the directory stopped the framed page says
 * sign-in is unavailable.
 */
import { type Browser, type Page } from 'playwright-core';
import { LOCKOUT } from '../login-support.js';
import { chromiumAvailable } from '../support/services.js';
import { PASSWORDS, PEOPLE, SERVICE_DN, SERVICE_PASSWORD, SUPPORT_GROUP, SlapdServer, seedDirectory, slapdAvailable } from '../support/slapd.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { launchChromium, startHostSite, verifyToken, type HostSite } from './host-site.js';

const ready = chromiumAvailable() && slapdAvailable();
const describeWithBoth = ready ? describe : describe.skip;

describeWithBoth('directory login page in Chromium', () => {
  const server = new SlapdServer();
  let browser: Browser;
  let t: TestApp;
  let host: HostSite;

  beforeAll(async () => {
    await server.start();
    await seedDirectory(server);
    host = await startHostSite('localhost');
    t = await startTestApp(
      (config) => {
        config.login = {
          local: false,
          lockout: LOCKOUT,
          directory: {
            url: server.ldapsUrl,
            caFile: server.caFile,
            bindDn: SERVICE_DN,
            bindPassword: { env: 'LDAP_BIND_PASSWORD' },
            userBase: PEOPLE,
            roleMap: { [SUPPORT_GROUP]: 'support' },
            timeouts: { connectMs: 2000, operationMs: 1500 },
          },
        };
        (config.bots as Record<string, Record<string, unknown>>).shop.origins = [host.origin];
      },
      { LDAP_BIND_PASSWORD: SERVICE_PASSWORD },
    );
    host.chatwarden = t.url;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await host?.close();
    await server.destroy();
  });

  const loginUrl = () => `${t.url}/login?bot=shop&origin=${encodeURIComponent(host.origin)}&mode=iframe`;

  async function signIn(page: Page, username: string, password: string) {
    await page.goto(host.url(`/frame.html?src=${encodeURIComponent(loginUrl())}`));
    const frame = page.frameLocator('#login');
    await frame.locator('#username').fill(username);
    await frame.locator('#password').fill(password);
    await frame.locator('button[type="submit"]').click();
    return frame;
  }

  it('a directory user signs in inside the frame; the token carries the permissions of their groups', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page, 'alice', PASSWORDS.alice);
      await page.waitForFunction(() => (window as unknown as { messages: unknown[] }).messages.length > 0);
      const messages = (await page.evaluate(() => (window as unknown as { messages: Array<{ origin: string; data: { token: string } }> }).messages)) as Array<{
        origin: string;
        data: { token: string };
      }>;
      expect(messages[0].origin).toBe(t.url);
      const verified = await verifyToken(t, messages[0].data.token);
      expect(verified.body).toMatchObject({ valid: true, subject: 'alice', authMethod: 'pwd' });
      expect(verified.body.permissions).toEqual(['account:read', 'account:write', 'orders:read', 'orders:refund']);
    } finally {
      await context.close();
    }
  });

  it('with the directory stopped, the framed page says sign-in is unavailable', async () => {
    const context = await browser.newContext();
    await server.stop();
    try {
      const page = await context.newPage();
      const frame = await signIn(page, 'alice', PASSWORDS.alice);
      await frame.locator('text=Sign-in is unavailable right now').waitFor();
      expect(await page.evaluate(() => (window as unknown as { messages: unknown[] }).messages.length)).toBe(0);
    } finally {
      await context.close();
      await server.restart();
    }
  });
});
