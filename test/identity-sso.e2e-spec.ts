/**
 * A user's SSO claims reach the identity proofs only where the bot's
 * `profile` names them: sign in against a real OpenID provider (oidc-provider
 * on loopback), and check the Zendesk proof on the success page with jose.
 */
import { jwtVerify } from 'jose';
import { CookieBrowser, signIn, startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';
import { resultData } from './login-support.js';
import { startTestApp, TEST_PUBLIC_URL, type TestApp } from './support/test-app.js';

const SHOP_ORIGIN = 'https://shop.example.com';
const ZENDESK_SECRET = 'zd-secret-for-sso';
const callbackUri = `${TEST_PUBLIC_URL}/sso/corp/callback`;

let corp: TestOidcProvider;
let t: TestApp;

beforeAll(async () => {
  corp = await startOidcProvider({ redirectUris: [callbackUri], claimsInIdToken: true });
  t = await startTestApp(
    (config) => {
      config.sso = {
        corp: { issuer: corp.issuer, clientId: corp.clientId, clientSecret: { env: 'CORP' }, scopes: ['openid', 'email', 'groups'], allowInsecureHttp: true },
      };
      const bots = config.bots as Record<string, Record<string, unknown>>;
      bots.shop.identity = { zendesk: { keys: [{ keyId: 'app_sso', secret: { env: 'ZD' } }] } };
      bots.shop.profile = { email: 'email' };
      bots.other.origins = [SHOP_ORIGIN];
      bots.other.identity = { zendesk: { keys: [{ keyId: 'app_sso', secret: { env: 'ZD' } }] } };
    },
    { CORP: corp.clientSecret, ZD: ZENDESK_SECRET },
  );
});
afterAll(async () => {
  await t.close();
  await corp.stop();
});

async function ssoLogin(bot: string): Promise<Record<string, unknown>> {
  const browser = new CookieBrowser();
  const start = await browser.request(`${t.url}/sso/corp/start?${new URLSearchParams({ bot, origin: SHOP_ORIGIN })}`);
  expect(start.status).toBe(302);
  const redirect = await signIn(browser, start.headers.get('location') ?? '', callbackUri, { login: 'alice' });
  const url = new URL(redirect);
  const page = await browser.request(`${t.url}${url.pathname}${url.search}`);
  expect(page.status).toBe(200);
  const result = resultData(await page.text()) as unknown as { identity: { zendesk: string } };
  return (await jwtVerify(result.identity.zendesk, new TextEncoder().encode(ZENDESK_SECRET), { algorithms: ['HS256'] })).payload;
}

it('the email claim is in the proof when profile names it', async () => {
  expect(await ssoLogin('shop')).toMatchObject({ external_id: 'corp:alice', scope: 'user', email: 'alice@corp.example' });
});

it('and absent when the bot has no profile', async () => {
  const payload = await ssoLogin('other');
  expect(payload.external_id).toBe('corp:alice');
  expect(payload).not.toHaveProperty('email');
});
