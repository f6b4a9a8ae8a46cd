/**
 * SSO in a real Chromium (playwright-core, the system browser) against a real
 * OpenID provider (oidc-provider on loopback): a host page calls
 * `chatwarden.login({mode: 'popup'})`, the user follows the "Sign in with …"
 * button, signs in and consents on the provider's own pages in the popup, and
 * the host's promise resolves with a token that verifies as an SSO login with
 * the permissions of the mapped roles. Also: the user cancels at the provider
 * (a friendly page, no token for the host), and SSO started from the framed
 * login page, whose popup hands the token back through the iframe.
 * One browser for the file, one context (cookie jar) per test.
 */
import { type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';
import { chromiumAvailable } from '../support/services.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { startFrontDoor, startHostSite, type FrontDoor, launchChromium, verifyToken, type HostSite } from './host-site.js';

const describeWithChromium = chromiumAvailable() ? describe : describe.skip;

/** alice's groups include support-team, mapped to the `support` role. */
const SUPPORT_PERMISSIONS = ['account:read', 'account:write', 'orders:read', 'orders:refund'];

type HostWindow = {
  messages: Array<{ origin: string; data: { type?: string } }>;
  result?: { token: string; expiresAt: string };
  loginError?: string;
  sdk: { calls: string[][] };
};

describeWithChromium('SSO through a real OpenID provider in Chromium', () => {
  let browser: Browser;
  let idp: TestOidcProvider;
  let door: FrontDoor;
  let host: HostSite;
  let t: TestApp;
  let context: BrowserContext;
  /** CSP violations reported on chatwarden's pages during the current test (none is expected). */
  let cspViolations: string[];

  beforeAll(async () => {
    host = await startHostSite('localhost');
    // chatwarden's public address must exist before chatwarden does: the provider registers the redirect URI built from it.
    door = await startFrontDoor();
    idp = await startOidcProvider({ redirectUris: [`${door.url}/sso/corp/callback`] });
    t = await startTestApp(
      (config) => {
        config.publicUrl = door.url;
        (config.bots as Record<string, Record<string, unknown>>).shop.origins = [host.origin];
        config.sso = {
          corp: {
            issuer: idp.issuer,
            displayName: 'Corp SSO',
            clientId: idp.clientId,
            clientSecret: { env: 'CORP_OIDC_SECRET' },
            scopes: ['openid', 'email', 'groups'],
            roleClaim: 'groups',
            roleMap: { 'support-team': 'support' },
            allowInsecureHttp: true,
          },
        };
      },
      { CORP_OIDC_SECRET: idp.clientSecret },
    );
    door.target = t.url;
    host.chatwarden = door.url;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await idp?.stop();
    await door?.close();
    await host?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext();
    // The provider's development pages import a web font: nothing leaves the machine, and nothing waits on the network.
    await context.route(
      (url) => url.hostname !== '127.0.0.1' && url.hostname !== 'localhost',
      (route) => route.abort(),
    );
    cspViolations = [];
    context.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text()) && message.text().includes(door.url)) cspViolations.push(message.text());
    });
  });
  afterEach(() => context.close());

  const verify = (token: string) => verifyToken(t, token);

  const hostState = (page: Page) =>
    page.evaluate(() => {
      const w = window as unknown as HostWindow;
      return {
        tokenMessages: w.messages.filter((m) => m.data?.type === 'chatwarden:token'),
        result: w.result,
        loginError: w.loginError,
        sdkCalls: w.sdk.calls,
      };
    });

  /** Every URL the popup's top frame commits from now on, in order (redirects that render nothing are not listed). */
  function recordNavigations(popup: Page): URL[] {
    const seen: URL[] = [];
    popup.on('framenavigated', (frame: Frame) => {
      if (frame === popup.mainFrame()) seen.push(new URL(frame.url()));
    });
    return seen;
  }

  const atProvider = (step: 'Sign-in' | 'Authorize') => async (popup: Page) => {
    await popup.waitForURL((url) => url.origin === idp.issuer && url.pathname.startsWith('/interaction/'));
    await expect(popup.locator('h1').textContent()).resolves.toBe(step);
  };

  /** The provider's own login and consent pages, as a user fills them (its development login takes any password). */
  async function signInAtProvider(popup: Page, login: string): Promise<void> {
    await atProvider('Sign-in')(popup);
    await popup.fill('input[name="login"]', login);
    await popup.fill('input[name="password"]', 'any password');
    await popup.click('button[type="submit"]');
    await atProvider('Authorize')(popup);
    // The success page closes the popup itself once it has posted the token.
    await Promise.all([popup.waitForEvent('close'), popup.click('button:has-text("Continue")')]);
  }

  it('popup: the host page gets a token after sign-in and consent at the provider', async () => {
    const page = await context.newPage();
    await page.goto(host.url('/embed.html'));
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#popup')]);
    await popup.waitForLoadState();
    expect(popup.url()).toBe(`${door.url}/login?bot=shop&origin=${encodeURIComponent(host.origin)}&mode=popup`);
    const button = popup.getByRole('link', { name: 'Sign in with Corp SSO' });
    await expect(button.getAttribute('href')).resolves.toMatch(/^\/sso\/corp\/start\?/);
    const navigations = recordNavigations(popup);
    await button.click();
    await signInAtProvider(popup, 'alice');

    await page.waitForFunction(() => (window as unknown as HostWindow).result !== undefined);
    const state = await hostState(page);
    const result = state.result!;
    expect(Object.keys(result).sort()).toEqual(['expiresAt', 'token']);
    expect(Date.parse(result.expiresAt)).toBeGreaterThan(Date.now());
    // Posted by chatwarden's own origin, straight to the opener.
    expect(state.tokenMessages.map((m) => m.origin)).toEqual([door.url]);
    expect(state.sdkCalls).toEqual([['user_token', result.token]]);

    const verified = await verify(result.token);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ valid: true, subject: 'corp:alice', bot: 'shop', authMethod: 'sso' });
    expect(verified.body.permissions).toEqual(SUPPORT_PERMISSIONS);

    // From the button: the provider's login and consent pages, then chatwarden's callback.
    const where = navigations.map((url) => (url.origin === idp.issuer ? `idp ${url.pathname.replace(/\/interaction\/[^/]+$/, '/interaction')}` : `chatwarden ${url.pathname}`));
    expect(where).toEqual(['idp /interaction', 'idp /interaction', 'chatwarden /sso/corp/callback']);
    const callback = navigations.at(-1)!;
    expect(callback.origin).toBe(door.url);
    expect(callback.searchParams.get('iss')).toBe(idp.issuer);
    // The token travels in the page body only, never in a URL.
    expect(navigations.some((url) => url.href.includes(result.token))).toBe(false);
    expect(cspViolations).toEqual([]);
  });

  it('the user cancels at the provider: the popup explains it, and no token reaches the host', async () => {
    const page = await context.newPage();
    await page.goto(host.url('/embed.html'));
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#popup')]);
    await popup.getByRole('link', { name: 'Sign in with Corp SSO' }).click();
    await atProvider('Sign-in')(popup);
    await popup.click('a:has-text("Cancel")');

    await popup.waitForURL((url) => url.origin === door.url && url.pathname === '/sso/corp/callback');
    expect(new URL(popup.url()).searchParams.get('error')).toBe('access_denied');
    await expect(popup.locator('h1').textContent()).resolves.toBe('Sign-in cancelled');
    await expect(popup.locator('[role="alert"]').textContent()).resolves.toBe('The sign-in was cancelled, so you are not signed in.');
    // A way back to the same login, still for this host and still in the popup.
    await expect(popup.getByRole('link', { name: 'Start again' }).getAttribute('href')).resolves.toBe(
      `/login?bot=shop&origin=${encodeURIComponent(host.origin)}&mode=popup`,
    );
    await expect(popup.locator('#result').count()).resolves.toBe(0);
    expect(await hostState(page)).toMatchObject({ tokenMessages: [], result: undefined, sdkCalls: [] });

    // Closing the popup is how the user gives up: the host's promise rejects, still without a token.
    await popup.close();
    await page.waitForFunction(() => (window as unknown as HostWindow).loginError !== undefined);
    expect(await hostState(page)).toMatchObject({ tokenMessages: [], result: undefined, loginError: 'cancelled', sdkCalls: [] });
    expect(cspViolations).toEqual([]);
  });

  it('iframe: SSO opens a popup from the framed login page, and the token reaches the host through the frame', async () => {
    const page = await context.newPage();
    await page.goto(host.url('/embed.html'));
    await page.click('#iframe');
    const frame = (await (await page.waitForSelector('iframe[title="Sign in"]')).contentFrame())!;
    const button = frame.getByRole('link', { name: 'Sign in with Corp SSO' });
    await button.waitFor();
    const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
    // SSO itself always runs in a popup: identity providers refuse to be framed.
    await popup.waitForURL((url) => url.origin === idp.issuer);
    expect(await popup.evaluate(() => window.opener !== null)).toBe(true);
    await signInAtProvider(popup, 'alice');

    await page.waitForFunction(() => (window as unknown as HostWindow).result !== undefined);
    const state = await hostState(page);
    // Relayed by the login iframe: the host saw one message, from chatwarden's origin.
    expect(state.tokenMessages.map((m) => m.origin)).toEqual([door.url]);
    expect(state.sdkCalls).toEqual([['user_token', state.result!.token]]);
    const verified = await verify(state.result!.token);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ subject: 'corp:alice', authMethod: 'sso', permissions: SUPPORT_PERMISSIONS });
    // The overlay is gone once the token arrived.
    expect(await page.locator('iframe[title="Sign in"]').count()).toBe(0);
    expect(cspViolations).toEqual([]);
  });
});
