/**
 * SSO end to end against a real OpenID provider (oidc-provider on loopback):
 * start → the provider's login and consent pages → callback → the success
 * page that hands the token to the host origin → the token verifies with
 * `authMethod: sso` and the permissions of the mapped roles. Then every way
 * the flow can fail, each a friendly HTML page with a 4xx or 502.
 */
import { createServer, type AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import request from 'supertest';
import { AuditLog } from '../src/observability/audit-log.js';
import { DISCOVERY_RETRY_MS } from '../src/sso/oidc.adapter.js';
import { Store } from '../src/store/store.js';
import { CookieBrowser, signIn, startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';
import { startTestApp, TEST_PUBLIC_URL, type TestApp } from './support/test-app.js';

const SHOP_ORIGIN = 'https://shop.example.com';
const callbackUri = (provider: string) => `${TEST_PUBLIC_URL}/sso/${provider}/callback`;

let corp: TestOidcProvider;
let partner: TestOidcProvider;
let offlineIssuer: string;
let t: TestApp;
let audit: jest.Spied<AuditLog['record']>;

beforeAll(async () => {
  corp = await startOidcProvider({ redirectUris: [callbackUri('corp')] });
  partner = await startOidcProvider({
    redirectUris: [callbackUri('partner'), callbackUri('wrongsecret')],
    claimsInIdToken: true,
    clientId: 'cw-partner',
  });
  offlineIssuer = await closedLoopbackUrl();
  t = await startTestApp(
    (config) => {
      config.sso = {
        corp: {
          issuer: corp.issuer,
          clientId: corp.clientId,
          clientSecret: { env: 'CORP_OIDC_SECRET' },
          scopes: ['openid', 'email', 'groups'],
          roleClaim: 'groups',
          roleMap: { 'support-team': 'support', everyone: 'customer' },
          allowInsecureHttp: true,
        },
        partner: {
          issuer: partner.issuer,
          clientId: partner.clientId,
          clientSecret: { env: 'PARTNER_OIDC_SECRET' },
          scopes: ['openid', 'groups'],
          roleClaim: 'groups',
          roleMap: { everyone: 'customer' },
          allowInsecureHttp: true,
        },
        offline: { issuer: offlineIssuer, clientId: 'chatwarden', scopes: ['openid'], allowInsecureHttp: true },
        // partner's client with a secret the provider does not know: the token endpoint answers invalid_client.
        wrongsecret: { issuer: partner.issuer, clientId: partner.clientId, clientSecret: 'not-the-registered-secret', scopes: ['openid'], allowInsecureHttp: true },
      };
    },
    { CORP_OIDC_SECRET: corp.clientSecret, PARTNER_OIDC_SECRET: partner.clientSecret },
  );
  audit = jest.spyOn(t.app.get(AuditLog), 'record');
});
afterAll(async () => {
  await t.close();
  await corp.stop();
  await partner.stop();
});

/** A loopback URL nobody listens on. */
async function closedLoopbackUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

interface Started {
  browser: CookieBrowser;
  authorizationUrl: URL;
  state: string;
}

async function startFlow(query: Record<string, string> = {}, provider = 'corp', browser = new CookieBrowser()): Promise<Started> {
  const params = new URLSearchParams({ bot: 'shop', origin: SHOP_ORIGIN, ...query });
  const response = await browser.request(`${t.url}/sso/${provider}/start?${params}`);
  expect(response.status).toBe(302);
  const authorizationUrl = new URL(response.headers.get('location') ?? '');
  return { browser, authorizationUrl, state: authorizationUrl.searchParams.get('state') ?? '' };
}

/** The provider redirected to chatwarden's public callback URL: the same path and query on the test server. */
function callback(browser: CookieBrowser, redirect: URL | string) {
  const url = new URL(redirect);
  return browser.request(`${t.url}${url.pathname}${url.search}`);
}

async function fullLogin(login = 'alice', provider = 'corp') {
  const flow = await startFlow({}, provider);
  const redirect = await signIn(flow.browser, flow.authorizationUrl.href, callbackUri(provider), { login });
  const response = await callback(flow.browser, redirect);
  return { ...flow, redirect, response, html: await response.text() };
}

function resultOf(html: string): { type: string; token: string; expiresAt: string; origin: string; mode: string } {
  const json = /<script type="application\/json" id="result">([^<]*)<\/script>/.exec(html)?.[1];
  if (!json) throw new Error(`no result on the page: ${html.slice(0, 400)}`);
  return JSON.parse(json);
}

function verify(body: Record<string, unknown>) {
  return request(t.url).post('/v1/verify/token').set({ authorization: `Bearer ${t.apiKeys.verify}` }).send({ bot: 'shop', ...body });
}

/** A failure page: HTML with the status, a friendly message, no stack, no secret, no token. */
async function expectFailurePage(response: Response, status: number, message: RegExp, forbidden: string[] = []) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(response.headers.get('cache-control')).toBe('no-store');
  const html = await response.text();
  expect(html).toMatch(message);
  expect(html).not.toMatch(/\bat .+:\d+:\d+|stack|chatwarden:token|Error:/);
  for (const secret of [corp.clientSecret, partner.clientSecret, ...forbidden]) expect(html).not.toContain(secret);
  return html;
}

function auditLines(event: string): Record<string, unknown>[] {
  return audit.mock.calls.filter((call) => call[0] === event).map((call) => (call[1] ?? {}) as Record<string, unknown>);
}

describe('the code flow through a real provider', () => {
  it('starts with PKCE S256, state and nonce, and binds the flow to the browser', async () => {
    const browser = new CookieBrowser();
    const response = await browser.request(`${t.url}/sso/corp/start?bot=shop&origin=${encodeURIComponent(SHOP_ORIGIN)}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const url = new URL(response.headers.get('location') ?? '');
    expect(url.origin).toBe(corp.issuer);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: corp.clientId,
      redirect_uri: callbackUri('corp'),
      scope: 'openid email groups',
      code_challenge_method: 'S256',
    });
    expect(params.code_challenge).toMatch(/^[\w-]{43}$/);
    expect(params.state).toMatch(/^[\w-]{43}$/);
    expect(params.nonce).toMatch(/^[\w-]{43}$/);
    // The verifier stays on the server; nothing secret travels in the URL.
    expect(url.href).not.toContain(corp.clientSecret);
    expect(response.headers.get('set-cookie')).toMatch(/^__Host-cw_sso=[\w-]{43}; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
  });

  it('signs in, hands the token to the host origin, and the token verifies as sso with the mapped permissions', async () => {
    const { response, html } = await fullLogin('alice');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
    const result = resultOf(html);
    expect(result).toMatchObject({ type: 'chatwarden:token', origin: SHOP_ORIGIN, mode: 'popup' });
    expect(html).toContain('corp:alice');

    const verified = await verify({ token: result.token, bot: 'shop', action: 'orders.refund' });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      valid: true,
      subject: 'corp:alice',
      bot: 'shop',
      authMethod: 'sso',
      // support-team → support; alice's unmapped-group is ignored. The groups came from userinfo.
      permissions: ['account:read', 'account:write', 'orders:read', 'orders:refund'],
    });
    expect(auditLines('login.success')).toContainEqual(expect.objectContaining({ subject: 'corp:alice', amr: 'sso', bot: 'shop' }));
  });

  it('reads the role claim from the ID token when the provider puts it there, and keeps providers apart', async () => {
    const { response, html } = await fullLogin('bob', 'partner');
    expect(response.status).toBe(200);
    const verified = await verify({ token: resultOf(html).token });
    expect(verified.body).toMatchObject({ subject: 'partner:bob', authMethod: 'sso', permissions: ['account:read', 'orders:read'] });
  });

  it('gives a user whose groups map to no role a login without permissions', async () => {
    const { html } = await fullLogin('bob', 'corp');
    const token = resultOf(html).token;
    expect((await verify({ token })).body).toMatchObject({ valid: true, subject: 'corp:bob', permissions: ['account:read', 'orders:read'] });
    const refused = await verify({ token, action: 'orders.refund' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('permission_denied');
  });

  it('the login page offers the provider, and its button starts the flow in a popup', async () => {
    const browser = new CookieBrowser();
    const page = await browser.request(`${t.url}/login?bot=shop&origin=${encodeURIComponent(SHOP_ORIGIN)}&mode=iframe&conversation=conv-7`);
    expect(page.status).toBe(200);
    const href = /<a [^>]*data-sso="corp"[^>]*href="([^"]+)"/.exec(await page.text())?.[1];
    expect(href).toBeDefined();
    const start = new URL((href ?? '').replace(/&amp;/g, '&'), t.url);
    expect(start.pathname).toBe('/sso/corp/start');
    const redirected = await browser.request(start);
    expect(redirected.status).toBe(302);
    const redirect = await signIn(browser, redirected.headers.get('location') ?? '', callbackUri('corp'), { login: 'alice' });
    const response = await callback(browser, redirect);
    expect(response.status).toBe(200);
    expect(resultOf(await response.text())).toMatchObject({ origin: SHOP_ORIGIN, mode: 'popup' });
  });

  it('passes mode and conversation through the flow', async () => {
    const flow = await startFlow({ mode: 'iframe', conversation: 'conv-42' });
    const redirect = await signIn(flow.browser, flow.authorizationUrl.href, callbackUri('corp'), { login: 'alice' });
    const response = await callback(flow.browser, redirect);
    expect(response.status).toBe(200);
    expect(resultOf(await response.text())).toMatchObject({ mode: 'iframe', origin: SHOP_ORIGIN });
  });
});

describe('failures are friendly pages', () => {
  it('the user cancels at the provider: 403, nothing issued, audited', async () => {
    const flow = await startFlow();
    const redirect = await signIn(flow.browser, flow.authorizationUrl.href, callbackUri('corp'), { login: 'alice', abortAt: 'consent' });
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    const html = await expectFailurePage(await callback(flow.browser, redirect), 403, /cancelled/);
    expect(html).toContain('href="/login?bot=shop&amp;origin=https%3A%2F%2Fshop.example.com&amp;mode=popup"');
    expect(auditLines('login.failure')).toContainEqual({ method: 'sso', provider: 'corp', reason: 'sso_cancelled', bot: 'shop' });
  });

  it('a crafted access_denied callback for a live state: 403, and the state is spent', async () => {
    const flow = await startFlow();
    const denied = `${TEST_PUBLIC_URL}/sso/corp/callback?error=access_denied&state=${flow.state}`;
    await expectFailurePage(await callback(flow.browser, denied), 403, /cancelled/);
    const redirect = await signIn(flow.browser, flow.authorizationUrl.href, callbackUri('corp'), { login: 'alice' });
    await expectFailurePage(await callback(flow.browser, redirect), 400, /expired or was already used/);
  });

  it('another provider error (server_error) is a 502', async () => {
    const flow = await startFlow();
    await expectFailurePage(await callback(flow.browser, `${callbackUri('corp')}?error=server_error&error_description=%3Cb%3Eboom&state=${flow.state}`), 502, /reported a problem/, ['<b>boom']);
  });

  it('a replayed callback is refused, and it does not log anybody in', async () => {
    const { browser, redirect, response } = await fullLogin('alice');
    expect(response.status).toBe(200);
    const code = redirect.searchParams.get('code') ?? '';
    const html = await expectFailurePage(await callback(browser, redirect), 400, /expired or was already used/, [code]);
    expect(html).not.toContain('corp:alice');
  });

  it('an unknown, a malformed or a missing state is refused', async () => {
    const browser = new CookieBrowser();
    await expectFailurePage(await callback(browser, `${callbackUri('corp')}?code=abc&state=${'x'.repeat(43)}`), 400, /expired or was already used/);
    await expectFailurePage(await callback(browser, `${callbackUri('corp')}?code=abc&state=%3Cscript%3E`), 400, /expired or was already used/, ['<script>']);
    await expectFailurePage(await callback(browser, `${callbackUri('corp')}?code=abc`), 400, /expired or was already used/);
    await expectFailurePage(await callback(browser, `${callbackUri('corp')}?code=abc&state=a&state=b`), 400, /not valid/);
  });

  it('an expired flow is refused', async () => {
    const flow = await startFlow();
    const store = t.app.get(Store);
    const key = `sso:${flow.state}`;
    const value = await store.get(key);
    expect(value).not.toBeNull();
    expect(await store.ttl(key)).toBeGreaterThan(590);
    // The same record, with one second left: the store's expiry is what ends a flow.
    await store.set(key, value ?? '', 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const redirect = await signIn(flow.browser, flow.authorizationUrl.href, callbackUri('corp'), { login: 'alice' });
    await expectFailurePage(await callback(flow.browser, redirect), 400, /expired or was already used/);
  });

  it('a callback in a browser that did not start the flow is refused (login CSRF) without spending the flow: the user still signs in', async () => {
    const flow = await startFlow();
    const redirect = await signIn(flow.browser, flow.authorizationUrl.href, callbackUri('corp'), { login: 'alice' });
    // The callback URL leaked (Referer, history, a link scanner): other browsers present it first.
    const noCookie = new CookieBrowser();
    await expectFailurePage(await callback(noCookie, redirect), 400, /expired or was already used/);
    const withForeignCookie = new CookieBrowser();
    withForeignCookie.setCookie(new URL(t.url).host, '__Host-cw_sso', 'A'.repeat(43));
    await expectFailurePage(await callback(withForeignCookie, redirect), 400, /expired or was already used/);
    const otherFlow = await startFlow();
    await expectFailurePage(await callback(otherFlow.browser, redirect), 400, /expired or was already used/);
    expect(auditLines('login.failure').at(-1)).toEqual({ method: 'sso', provider: 'corp', reason: 'sso_flow_invalid' });
    // The browser that started the flow completes it, and only once.
    const response = await callback(flow.browser, redirect);
    expect(response.status).toBe(200);
    const result = resultOf(await response.text());
    expect(result.origin).toBe(SHOP_ORIGIN);
    expect((await verify({ token: result.token, bot: 'shop' })).body).toMatchObject({ valid: true, subject: 'corp:alice', authMethod: 'sso' });
    await expectFailurePage(await callback(flow.browser, redirect), 400, /expired or was already used/);
  });

  it('a state started at one provider cannot be completed at another, nor is it spent there', async () => {
    const flow = await startFlow({}, 'partner');
    const redirect = await signIn(flow.browser, flow.authorizationUrl.href, callbackUri('partner'), { login: 'bob' });
    const elsewhere = new URL(redirect);
    elsewhere.pathname = '/sso/corp/callback';
    await expectFailurePage(await callback(flow.browser, elsewhere), 400, /expired or was already used/);
    expect((await callback(flow.browser, redirect)).status).toBe(200);
  });

  it('two callbacks of the starting browser at once: exactly one signs in', async () => {
    const flow = await startFlow();
    const redirect = await signIn(flow.browser, flow.authorizationUrl.href, callbackUri('corp'), { login: 'alice' });
    const statuses = (await Promise.all([callback(flow.browser, redirect), callback(flow.browser, redirect)])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 400]);
  });

  it('a bad code is refused by the provider: 400', async () => {
    const flow = await startFlow();
    const forged = `${callbackUri('corp')}?code=not-a-real-code&state=${flow.state}&iss=${encodeURIComponent(corp.issuer)}`;
    await expectFailurePage(await callback(flow.browser, forged), 400, /complete the sign-in/);
    expect(auditLines('login.failure').at(-1)).toEqual({ method: 'sso', provider: 'corp', reason: 'sso_failed', bot: 'shop' });
  });

  it('a client secret the provider refuses (invalid_client) is a 502, and the secret is not shown', async () => {
    const flow = await startFlow({}, 'wrongsecret');
    const redirect = await signIn(flow.browser, flow.authorizationUrl.href, callbackUri('wrongsecret'), { login: 'bob' });
    await expectFailurePage(await callback(flow.browser, redirect), 502, /reported a problem/, ['not-the-registered-secret']);
    expect(auditLines('login.failure').at(-1)).toEqual({ method: 'sso', provider: 'wrongsecret', reason: 'sso_provider_error', bot: 'shop' });
  });

  it('a callback without the issuer the provider announced (RFC 9207) is refused', async () => {
    const flow = await startFlow();
    const redirect = await signIn(flow.browser, flow.authorizationUrl.href, callbackUri('corp'), { login: 'alice' });
    redirect.searchParams.delete('iss');
    await expectFailurePage(await callback(flow.browser, redirect), 400, /complete the sign-in/);
  });

  it('a code meant for another flow fails the PKCE and nonce checks', async () => {
    const first = await startFlow();
    const second = await startFlow({}, 'corp', first.browser);
    const redirect = await signIn(first.browser, first.authorizationUrl.href, callbackUri('corp'), { login: 'alice' });
    // The code of the first flow presented with the second flow's state.
    redirect.searchParams.set('state', second.state);
    await expectFailurePage(await callback(first.browser, redirect), 400, /complete the sign-in/);
  });

  it('a wrong origin, an unknown bot or provider, or a bad mode at start: 400, no redirect, no cookie', async () => {
    const cases: [string, RegExp][] = [
      [`/sso/corp/start?bot=shop&origin=${encodeURIComponent('https://evil.example')}`, /not allowed to use this sign-in page/],
      [`/sso/corp/start?bot=shop&origin=${encodeURIComponent('https://shop.example.com.evil.example')}`, /not allowed to use this sign-in page/],
      [`/sso/corp/start?bot=nope&origin=${encodeURIComponent(SHOP_ORIGIN)}`, /assistant is not configured/],
      [`/sso/nope/start?bot=shop&origin=${encodeURIComponent(SHOP_ORIGIN)}`, /sign-in option is not available/],
      [`/sso/corp/start?bot=shop&origin=${encodeURIComponent(SHOP_ORIGIN)}&mode=window`, /sign-in link is not valid/],
      ['/sso/corp/start?bot=shop', /sign-in link is not valid/],
    ];
    for (const [path, message] of cases) {
      const response = await new CookieBrowser().request(`${t.url}${path}`);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('set-cookie')).toBeNull();
      await expectFailurePage(response, 400, message);
    }
  });

  it('an unknown provider at the callback: 400', async () => {
    await expectFailurePage(await new CookieBrowser().request(`${t.url}/sso/nope/callback?code=a&state=${'b'.repeat(43)}`), 400, /sign-in option is not available/);
  });

  it('audit lines never carry codes, states or tokens', () => {
    const lines = JSON.stringify(audit.mock.calls);
    expect(lines).not.toMatch(/"(code|state|token|nonce|codeVerifier)"/);
    expect(lines).not.toContain(corp.clientSecret);
  });
});

describe('the provider is down', () => {
  it('at the token endpoint: 502, then it recovers', async () => {
    const flow = await startFlow();
    const redirect = await signIn(flow.browser, flow.authorizationUrl.href, callbackUri('corp'), { login: 'alice' });
    await corp.stop();
    try {
      await expectFailurePage(await callback(flow.browser, redirect), 502, /be reached right now/);
      expect(auditLines('login.failure').at(-1)).toMatchObject({ reason: 'sso_provider_unavailable', provider: 'corp' });
      // Discovery is retried on the next start, and fails fast while the provider is away.
      const started = Date.now();
      await expectFailurePage(await new CookieBrowser().request(`${t.url}/sso/corp/start?bot=shop&origin=${encodeURIComponent(SHOP_ORIGIN)}`), 502, /be reached right now/);
      const again = await new CookieBrowser().request(`${t.url}/sso/corp/start?bot=shop&origin=${encodeURIComponent(SHOP_ORIGIN)}`);
      await expectFailurePage(again, 502, /be reached right now/);
      expect(Date.now() - started).toBeLessThan(DISCOVERY_RETRY_MS);
    } finally {
      await corp.start();
    }
    // After the cool-down the provider is discovered again and the whole flow works.
    const deadline = Date.now() + DISCOVERY_RETRY_MS + 5000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await new CookieBrowser().request(`${t.url}/sso/corp/start?bot=shop&origin=${encodeURIComponent(SHOP_ORIGIN)}`)).status;
      if (status === 302) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(302);
    const { response } = await fullLogin('alice');
    expect(response.status).toBe(200);
  });

  it('at start, never reached: 502 at once, with a way back to the login page', async () => {
    const path = `/sso/offline/start?bot=shop&origin=${encodeURIComponent(SHOP_ORIGIN)}&conversation=c-1`;
    const html = await expectFailurePage(await new CookieBrowser().request(`${t.url}${path}`), 502, /be reached right now/);
    expect(html).toContain('href="/login?bot=shop&amp;origin=https%3A%2F%2Fshop.example.com&amp;mode=popup&amp;conversation=c-1"');
    expect(html).toContain('<title>Sign-in unavailable</title>');
  });
});
