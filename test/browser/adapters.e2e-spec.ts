/**
 * embed.js adapters in a real Chromium: a host page with stand-ins for each
 * vendor's documented widget API (ChatBot.com BE_API, Chatbase's chatbase(),
 * Zoho SalesIQ's visitor.info, Zendesk's zE, Intercom(), Salesforce's
 * embeddedservice_bootstrap) records every call. Log in, refresh, log out:
 * the token or the vendor's identity proof lands in each, is renewed, and is
 * cleared. For ChatBot.com and ConvoKraft, the token the adapter handed over
 * comes back in a webhook body of that vendor's shape and passes
 * /v1/verify/webhook. An SDK object without the expected method is refused at once.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ChatwardenClient } from '../../client/src/chatwarden.client.js';
import { cliUsers, loginConfig } from '../login-support.js';
import { chromiumAvailable } from '../support/services.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { SigningKeyAdmin } from '../../src/keys/signing-key-admin.service.js';
import { SigningKeyRing } from '../../src/keys/signing-key-ring.service.js';
import { launchChromium, startHostSite, verifyToken, type HostSite } from './host-site.js';

const PASSWORD = 'correct horse battery';
const CHATBOT_HEADER_KEY = 'chatbot-connection-header-key';
// ConvoKraft signs with DSA; the Catalyst console shows the public key (VENDORS.md).
const convokraftKeys = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
const describeWithChromium = chromiumAvailable() ? describe : describe.skip;

type Call = unknown[];
type Answer = { token: string; expiresAt: string; identity: { zendesk: string; intercom: string; chatbase: { userId: string; userHash: string }; salesforce: string } };

/** The host page: the vendors' SDK surfaces as recording stand-ins, every adapter attached. */
function adaptersPage(chatwarden: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Adapters host</title></head>
<body>
<button id="popup">Log in</button>
<script src="${chatwarden}/embed.js"></script>
<script>
window.calls = { chatbotcom: [], chatbase: [], salesiq: [], zendesk: [], intercom: [], salesforce: [] };
const plain = (args) => args.map((a) => (typeof a === 'function' ? '<fn>' : a));
window.BE_API = {
  setSessionAttributes(attributes) { calls.chatbotcom.push(['setSessionAttributes', attributes]); },
  resetSession() { calls.chatbotcom.push(['resetSession']); },
};
window.chatbase = (...args) => calls.chatbase.push(args);
window.$zoho = { salesiq: { visitor: { info(values) { calls.salesiq.push(['info', values]); } } } };
window.zE = (...args) => {
  calls.zendesk.push(plain(args));
  // The Messenger asks for the JWT through the callback, as Zendesk does after loginUser.
  if (args[1] === 'loginUser') args[2]((jwt) => calls.zendesk.push(['jwt', jwt]));
};
window.Intercom = (...args) => calls.intercom.push(args);
window.embeddedservice_bootstrap = { userVerificationAPI: {
  setIdentityToken(token) { calls.salesforce.push(['setIdentityToken', token]); },
  clearSession(flag) { calls.salesforce.push(['clearSession', flag]); },
} };
chatwarden.adapters.chatbotcom(BE_API, 'user_token');
chatwarden.adapters.chatbase(chatbase, { metadataKey: 'user_token' });
chatwarden.adapters.salesiq($zoho.salesiq, 'user_token');
chatwarden.adapters.zendesk(zE);
chatwarden.adapters.intercom(Intercom, { appId: 'abc123' });
chatwarden.adapters.salesforce(embeddedservice_bootstrap);
document.getElementById('popup').addEventListener('click', () => {
  chatwarden.login({ bot: new URLSearchParams(location.search).get('bot') || 'shop', mode: 'popup' }).then((answer) => { window.result = answer; }, (error) => { window.loginError = error.code; });
});
</script>
</body></html>`;
}

describeWithChromium('embed.js vendor adapters in Chromium', () => {
  let browser: Browser;
  let t: TestApp;
  let host: HostSite;
  let context: BrowserContext;

  beforeAll(async () => {
    host = await startHostSite('localhost', { '/adapters.html': adaptersPage });
    t = await startTestApp(
      (config) => {
        loginConfig(config, { trustProxy: [], origins: [host.origin] });
        const bots = config.bots as Record<string, Record<string, unknown>>;
        // The ChatBot.com and ConvoKraft sides of the same login, one bot each (a bot has one webhook scheme).
        bots.shop.webhook = { scheme: 'chatbotcom', token: { env: 'CB_TOKEN' }, headers: { 'x-chatbot-key': { env: 'CB_KEY' } }, tokenField: 'attributes.user_token' };
        bots.zoho = {
          origins: [host.origin],
          actions: { 'orders.lookup': ['orders:read'] },
          webhook: { scheme: 'convokraft', publicKey: convokraftKeys.publicKey.export({ type: 'spki', format: 'pem' }), tokenField: 'sessionData.user_token' },
        };
        bots.shop.identity = {
          zendesk: { keys: [{ keyId: 'app_1', secret: { env: 'ZD' } }] },
          intercom: { secret: { env: 'IC' } },
          chatbase: { secret: { env: 'CB' } },
          salesforce: { audience: 'https://acme.my.salesforce-scrt.com' },
        };
      },
      { ZD: 'zd-secret', IC: 'ic-secret', CB: 'cb-secret', CB_TOKEN: 'chatbot-verify-token', CB_KEY: CHATBOT_HEADER_KEY },
    );
    // The Salesforce proof is signed with the service's own RS256 signing key.
    await t.app.get(SigningKeyAdmin).rotate('RS256');
    await t.app.get(SigningKeyRing).reloadIfChanged();
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

  const calls = (page: Page): Promise<Record<string, Call[]>> => page.evaluate(() => (window as unknown as { calls: Record<string, Call[]> }).calls);
  const current = (page: Page): Promise<Answer> =>
    page.evaluate(() => (window as unknown as { chatwarden: { token(): unknown } }).chatwarden.token()) as Promise<Answer>;

  async function logIn(page: Page, bot = 'shop'): Promise<Answer> {
    await page.goto(host.url(`/adapters.html?bot=${bot}`));
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#popup')]);
    await popup.fill('#username', 'alice');
    await popup.fill('#password', PASSWORD);
    await popup.click('button[type="submit"]');
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined);
    return page.evaluate(() => (window as unknown as { result: Answer }).result);
  }

  /** What each stand-in must have received for `answer`; `first` is the login, later ones are refreshes. */
  function applied(answer: Answer, first: boolean): Record<string, Call[]> {
    return {
      chatbotcom: [['setSessionAttributes', { user_token: answer.token }]],
      chatbase: [['identify', { user_id: 'alice', user_hash: answer.identity.chatbase.userHash, user_metadata: { user_token: answer.token } }]],
      salesiq: [['info', { user_token: answer.token }]],
      zendesk: [['messenger', 'loginUser', '<fn>'], ['jwt', answer.identity.zendesk]],
      intercom: [first ? ['boot', { app_id: 'abc123', intercom_user_jwt: answer.identity.intercom }] : ['update', { intercom_user_jwt: answer.identity.intercom }]],
      salesforce: [['setIdentityToken', { identityTokenType: 'JWT', identityToken: answer.identity.salesforce }]],
    };
  }

  function concat(...sets: Array<Record<string, Call[]>>): Record<string, Call[]> {
    const all: Record<string, Call[]> = {};
    for (const set of sets) for (const [vendor, list] of Object.entries(set)) all[vendor] = [...(all[vendor] ?? []), ...list];
    return all;
  }

  it('login hands the token or proof to every SDK, refresh re-applies, logout clears', async () => {
    const page = await context.newPage();
    const login = await logIn(page);
    expect(Object.keys(login.identity).sort()).toEqual(['chatbase', 'intercom', 'salesforce', 'zendesk']);
    expect((await verifyToken(t, login.token)).status).toBe(200);
    expect(await calls(page)).toEqual(applied(login, true));

    await page.evaluate(() => (window as unknown as { chatwarden: { refresh(): Promise<void> } }).chatwarden.refresh());
    const refreshed = await current(page);
    expect(refreshed.token).not.toBe(login.token);
    expect(await calls(page)).toEqual(concat(applied(login, true), applied(refreshed, false)));

    await page.evaluate(() => (window as unknown as { chatwarden: { logout(): Promise<void> } }).chatwarden.logout());
    expect(await calls(page)).toEqual(
      concat(applied(login, true), applied(refreshed, false), {
        chatbotcom: [['setSessionAttributes', { user_token: '' }], ['resetSession']],
        chatbase: [['resetUser']],
        salesiq: [['info', { user_token: '' }]],
        zendesk: [['messenger', 'logoutUser']],
        intercom: [['shutdown'], ['boot', { app_id: 'abc123' }]],
        salesforce: [['clearSession', true]],
      }),
    );
    expect((await verifyToken(t, refreshed.token)).body.error).toBe('session_revoked');
  });

  it("Salesforce's token-expired event fetches a fresh token and hands its proof over", async () => {
    const page = await context.newPage();
    const login = await logIn(page);
    await page.evaluate(() => window.dispatchEvent(new Event('onEmbeddedMessagingIdentityTokenExpired')));
    await page.waitForFunction(() => (window as unknown as { calls: { salesforce: unknown[] } }).calls.salesforce.length === 2);
    const renewed = await current(page);
    expect(renewed.token).not.toBe(login.token);
    expect((await calls(page)).salesforce).toEqual([
      ['setIdentityToken', { identityTokenType: 'JWT', identityToken: login.identity.salesforce }],
      ['setIdentityToken', { identityTokenType: 'JWT', identityToken: renewed.identity.salesforce }],
    ]);
  });

  // The vendor's own hop, from its widget API into its webhook body, is simulated: the body is built in the
  // vendor's documented shape from what the widget stand-in received.
  it('ChatBot.com: the session attribute set by the adapter comes back in a webhook body that /v1/verify/webhook accepts', async () => {
    const page = await context.newPage();
    await logIn(page);
    const [[, attributes]] = (await calls(page)).chatbotcom as Array<[string, Record<string, string>]>;
    const body = JSON.stringify({
      chatId: '602313f00000000000000000',
      messageId: '5a7fb3e1-8452-4aee-a7a9-2f0edaeb8e42',
      userId: '602313f00000000000000000',
      node: { id: 'n1', name: 'orders', type: 'WEBHOOK', webhookId: 'w1', webhookName: 'orders' },
      userAttributes: {},
      attributes,
    });
    const client = new ChatwardenClient({ baseUrl: t.url, apiKey: t.apiKeys.verify });
    const verdict = await client.verifyWebhook({
      bot: 'shop',
      action: 'orders.lookup',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chatbot-key': CHATBOT_HEADER_KEY },
      body,
    });
    expect(verdict).toMatchObject({ valid: true, signature: { scheme: 'chatbotcom' }, token: { subject: 'alice', bot: 'shop' } });
  });

  it('ConvoKraft on SalesIQ: the visitor info set by the adapter comes back in a DSA-signed webhook that /v1/verify/webhook accepts', async () => {
    const page = await context.newPage();
    const login = await logIn(page, 'zoho');
    const [[, info]] = (await calls(page)).salesiq as Array<[string, Record<string, string>]>;
    expect(info).toEqual({ user_token: login.token });
    // Where SalesIQ visitor info lands in a ConvoKraft request is unconfirmed: sessionData here, as the bot's tokenField says.
    const body = JSON.stringify({ todo: 'execute', bot: 'shop-bot', action: 'orders.lookup', params: {}, user: {}, sessionData: info, clientData: {} });
    const signature = sign('sha256', Buffer.from(body), convokraftKeys.privateKey).toString('base64');
    const client = new ChatwardenClient({ baseUrl: t.url, apiKey: t.apiKeys.verify });
    const verdict = await client.verifyWebhook({
      bot: 'zoho',
      action: 'orders.lookup',
      headers: { 'content-type': 'application/json', 'x-convokraft-signature': signature },
      body,
    });
    expect(verdict).toMatchObject({ valid: true, signature: { scheme: 'convokraft' }, token: { subject: 'alice', bot: 'zoho' } });
    const tampered = await client.verifyWebhook({ bot: 'zoho', headers: { 'content-type': 'application/json', 'x-convokraft-signature': signature }, body: body.replace('execute', 'prompt') });
    expect(tampered).toMatchObject({ valid: false, error: 'signature_invalid' });
  });

  it('an SDK object without the expected method is refused when the adapter is created, naming the method', async () => {
    const page = await context.newPage();
    await page.goto(host.url('/adapters.html'));
    const errors = await page.evaluate(() => {
      const adapters = (window as unknown as { chatwarden: { adapters: Record<string, (...args: unknown[]) => unknown> } }).chatwarden.adapters;
      const attempt = (fn: () => unknown) => {
        try {
          fn();
          return 'accepted';
        } catch (error) {
          return `${(error as { code: string }).code}: ${(error as Error).message}`;
        }
      };
      return [
        attempt(() => adapters.chatbotcom({})),
        attempt(() => adapters.chatbase({})),
        attempt(() => adapters.salesiq({ visitor: {} })),
        attempt(() => adapters.zendesk(undefined)),
        attempt(() => adapters.intercom('Intercom')),
        attempt(() => adapters.salesforce({ userVerificationAPI: { setIdentityToken() {} } })),
      ];
    });
    expect(errors).toEqual([
      'invalid_options: BE_API (the ChatBot.com widget API) has no setSessionAttributes() method',
      'invalid_options: chatbase (the function the Chatbase embed script defines) must be a function',
      'invalid_options: $zoho.salesiq.visitor has no info() method',
      'invalid_options: zE (the function the Zendesk Web Widget snippet defines) must be a function',
      'invalid_options: Intercom (the function the Intercom Messenger snippet defines) must be a function',
      'invalid_options: embeddedservice_bootstrap.userVerificationAPI has no clearSession() method',
    ]);
  });
});
