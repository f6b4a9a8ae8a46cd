/**
 * The dev-mode walk-through at /demo: a page that plays the website hosting
 * a chat widget. Step 1 logs in (popup or iframe) through embed.js, step 2
 * shows the token landing in the widget's hidden variable (a mock Inbenta
 * SDK's addVariable), step 3 asks the bot something that runs a webhook,
 * whose mock handler verifies the token server side and answers.
 * Markup here; behaviour in demoPageScript (served as /demo/demo.js).
 */

export const DEMO_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chatwarden demo: log in, hidden variable, webhook</title>
<link rel="stylesheet" href="/demo/demo.css">
<script src="/embed.js"></script>
<script src="/demo/demo.js" defer></script>
</head>
<body>
<header>
<h1>chatwarden demo</h1>
<p>This page plays <strong>your website</strong>, the one that hosts the chat widget. Follow the three steps; each box says what happens and which part of chatwarden does it.
The demo user is <code>demo</code>; its password was printed in the terminal when chatwarden started.</p>
<form class="picker" method="get" action="/demo">
<label for="vendor">Chat vendor</label>
<select id="vendor" name="vendor">
<option value="">Generic (Inbenta SDK, plain webhook)</option>
<option value="inbenta">Inbenta</option>
<option value="chatbotcom">ChatBot.com</option>
<option value="chatbase">Chatbase</option>
<option value="salesiq">Zoho SalesIQ / ConvoKraft</option>
<option value="zendesk">Zendesk Messaging</option>
<option value="intercom">Intercom Messenger</option>
<option value="salesforce">Salesforce Enhanced Web Chat</option>
</select>
<button type="submit" id="vendor-go">Show this vendor</button>
</form>
</header>
<main class="layout">
<section class="steps" aria-label="Walk-through">
<ol>
<li>
<h2>1. Log the visitor in</h2>
<p>The site loads <code>/embed.js</code> and calls <code>chatwarden.login({ bot: 'demo', mode })</code>. chatwarden's login page opens in a popup or inside an iframe on this page,
checks the password, and hands an encrypted token back with <code>postMessage</code> to this page's origin only.</p>
<div class="buttons">
<button type="button" id="login-popup">Log in (popup)</button>
<button type="button" id="login-iframe">Log in (iframe)</button>
<button type="button" id="logout" disabled>Log out</button>
</div>
<div id="login-frame" class="login-frame" hidden></div>
<p class="status" id="login-status" role="status">Not logged in.</p>
</li>
<li>
<h2>2. The token lands in the widget</h2>
<p id="adapter-note"><code>chatwarden.adapters.inbenta(sdk, 'user_token')</code> stores the token in the conversation's hidden variable with the widget SDK's <code>addVariable</code>,
again after every automatic refresh, and clears it on logout. (Server side, chatwarden can push it with the Chat API instead.)</p>
<pre id="variable-log" class="log" aria-live="polite">No addVariable call yet.</pre>
</li>
<li>
<h2>3. A webhook checks who is asking</h2>
<p id="webhook-note">Ask the bot something that needs the user. The chat vendor calls your webhook with the hidden variable; the webhook handler asks chatwarden
(<code>POST /v1/verify/token</code> with its API key, server side) whether the token is valid and allowed to do that action, then answers.</p>
<pre id="webhook-log" class="log" aria-live="polite">No webhook call yet.</pre>
</li>
</ol>
</section>
<section class="widget" aria-label="Mock chat widget">
<h2>Mock chat widget</h2>
<ul id="chat" class="chat">
<li class="bot">Hello! I'm the demo shop assistant. Log in, then ask me about your orders.</li>
</ul>
<div class="buttons">
<button type="button" data-action="orders.lookup">Where are my orders?</button>
<button type="button" data-action="account.update">Change my address</button>
</div>
<p class="hint">"Change my address" needs the permission <code>account:write</code>, which the demo user's role <code>customer</code> does not have: watch the webhook refuse it.</p>
</section>
</main>
</body>
</html>
`;

export const DEMO_CSS = `* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; color: #1b1f24; background: #f3f5f8; }
header { padding: 1rem 1.5rem; background: #fff; border-bottom: 1px solid #d0d7de; }
h1 { margin: 0 0 0.25rem; font-size: 1.5rem; }
h2 { font-size: 1.125rem; margin: 0 0 0.5rem; }
.layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5rem; padding: 1.5rem; }
@media (max-width: 800px) { .layout { grid-template-columns: 1fr; } }
.steps ol { list-style: none; margin: 0; padding: 0; }
.steps li, .widget { background: #fff; border: 1px solid #d0d7de; border-radius: 0.5rem; padding: 1rem; margin-bottom: 1rem; }
.buttons { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.5rem 0; }
button { font: inherit; padding: 0.5rem 0.875rem; border-radius: 0.375rem; border: 1px solid #1f5fbf; background: #1f5fbf; color: #fff; cursor: pointer; }
button[disabled] { opacity: 0.5; cursor: not-allowed; }
button:focus-visible { outline: 3px solid #1f5fbf; outline-offset: 2px; }
.log { background: #0d1117; color: #e6edf3; padding: 0.75rem; border-radius: 0.375rem; overflow-x: auto; font-size: 0.8125rem; white-space: pre-wrap; word-break: break-all; min-height: 3rem; }
.login-frame { height: 480px; border: 1px dashed #8a939e; border-radius: 0.5rem; margin: 0.5rem 0; overflow: hidden; }
.login-frame[hidden] { display: none; }
.chat { list-style: none; padding: 0; margin: 0 0 0.5rem; display: flex; flex-direction: column; gap: 0.5rem; max-height: 420px; overflow-y: auto; }
.chat li { padding: 0.5rem 0.75rem; border-radius: 0.75rem; max-width: 90%; }
.chat .bot { background: #eef2f7; align-self: flex-start; }
.chat .user { background: #1f5fbf; color: #fff; align-self: flex-end; }
.hint { color: #545d68; font-size: 0.875rem; }
.picker { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin-top: 0.5rem; }
select { font: inherit; padding: 0.375rem; }
code { background: #eef2f7; padding: 0 0.25rem; border-radius: 0.25rem; }
`;

/** /demo/demo.js: served as source text, so self-contained (see page-scripts.ts in src/login/assets). */
export function demoPageScript(): void {
  type Token = { token: string; expiresAt: string };
  type Chatwarden = {
    login(options: { bot: string; mode: 'popup' | 'iframe'; conversation?: string; container?: Element }): Promise<Token>;
    logout(): Promise<void>;
    cancel(): void;
    onToken(listener: (token: Token | null) => void): () => void;
    adapters: { inbenta(sdk: { addVariable(name: string, value: string): Promise<void> }, name: string): () => void };
  };
  const chatwarden = (window as unknown as { chatwarden: Chatwarden }).chatwarden;
  const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const status = byId<HTMLParagraphElement>('login-status');
  const variableLog = byId<HTMLPreElement>('variable-log');
  const webhookLog = byId<HTMLPreElement>('webhook-log');
  const chat = byId<HTMLUListElement>('chat');
  const frame = byId<HTMLDivElement>('login-frame');
  const logoutButton = byId<HTMLButtonElement>('logout');
  const conversation = `demo-conversation-${Math.random().toString(36).slice(2, 10)}`;
  const short = (token: string) => (token.length > 24 ? `${token.slice(0, 12)}…${token.slice(-8)} (${token.length} chars)` : token);

  // The vendor picker (?vendor=…): each vendor has its own dev bot (one webhook scheme per bot, src/demo/demo-vendors.ts).
  const VENDORS: Record<string, { kind: 'token' | 'proof'; adapter: string; webhook: string }> = {
    inbenta: { kind: 'token', adapter: "chatwarden.adapters.inbenta(sdk, 'user_token') calls the Chatbot SDK's addVariable.", webhook: 'Inbenta posts the action parameters form-encoded, with a shared header key.' },
    chatbotcom: { kind: 'token', adapter: "chatwarden.adapters.chatbotcom(BE_API, 'user_token') calls BE_API.setSessionAttributes.", webhook: 'ChatBot.com posts JSON with the session attributes under attributes, with the connection\'s custom header.' },
    chatbase: { kind: 'token', adapter: "chatwarden.adapters.chatbase(chatbase, { metadataKey: 'user_token' }) calls chatbase('identify', { user_id, user_hash, user_metadata }).", webhook: 'Chatbase posts JSON signed with x-chatbase-signature (HMAC-SHA1); where it carries user_metadata is unconfirmed, so tokenField is configurable.' },
    salesiq: { kind: 'token', adapter: "chatwarden.adapters.salesiq($zoho.salesiq, 'user_token') calls $zoho.salesiq.visitor.info.", webhook: 'ConvoKraft posts JSON signed with X-CONVOKRAFT-SIGNATURE (DSA); that visitor info arrives in sessionData is unconfirmed, so tokenField is configurable.' },
    zendesk: { kind: 'proof', adapter: "chatwarden.adapters.zendesk(zE) hands the Messenger a signed JWT through zE('messenger', 'loginUser', callback).", webhook: 'Zendesk checks the JWT itself and sends no chatwarden token in its webhooks: your handler verifies the token your site holds.' },
    intercom: { kind: 'proof', adapter: 'chatwarden.adapters.intercom(Intercom) boots the Messenger with intercom_user_jwt.', webhook: 'Intercom checks the JWT itself and sends no chatwarden token in its webhooks: your handler verifies the token your site holds.' },
    salesforce: { kind: 'proof', adapter: 'chatwarden.adapters.salesforce(embeddedservice_bootstrap) calls userVerificationAPI.setIdentityToken with an RS256 JWT.', webhook: 'Salesforce checks the JWT against your JWKS and sends no chatwarden token: your handler verifies the token your site holds.' },
  };
  const requested = new URLSearchParams(location.search).get('vendor') ?? '';
  const vendor = Object.prototype.hasOwnProperty.call(VENDORS, requested) ? requested : '';
  const bot = vendor === '' ? 'demo' : VENDORS[vendor].kind === 'token' ? `demo-${vendor}` : 'demo-proofs';
  byId<HTMLSelectElement>('vendor').value = vendor;

  const EMPTY_LOG = vendor === '' ? 'No addVariable call yet.' : 'No widget API call yet.';
  variableLog.textContent = EMPTY_LOG;
  const shown = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && v !== '' ? short(v) : typeof v === 'function' ? '<callback>' : v));
  const record = (call: string, args: unknown[]) => {
    const line = `${new Date().toLocaleTimeString()}  ${call}(${args.map(shown).join(', ')})`;
    variableLog.textContent = variableLog.textContent === EMPTY_LOG ? line : `${variableLog.textContent}\n${line}`;
  };

  // What the mock widget holds: the vendor sends it back in its webhook (token vendors).
  let carried: Record<string, unknown> = {};
  let current: Token | null = null;
  const variables: Record<string, string> = {};
  const adapters = (chatwarden as unknown as { adapters: Record<string, (...args: unknown[]) => unknown> }).adapters;
  const mocks: Record<string, () => void> = {
    // Mocks of each vendor's documented widget API (VENDORS.md): they record every call.
    '': () => adapters.inbenta({ addVariable: (name: string, value: string) => { variables[name] = value; record('sdk.addVariable', [name, value]); return Promise.resolve(); } }, 'user_token'),
    inbenta: () => adapters.inbenta({ addVariable: (name: string, value: string) => { carried[name] = value; record('sdk.addVariable', [name, value]); return Promise.resolve(); } }, 'user_token'),
    chatbotcom: () =>
      adapters.chatbotcom(
        {
          setSessionAttributes: (attributes: Record<string, unknown>) => { carried = { ...carried, ...attributes }; record('BE_API.setSessionAttributes', [attributes]); },
          resetSession: () => { carried = {}; record('BE_API.resetSession', []); },
        },
        'user_token',
      ),
    chatbase: () =>
      adapters.chatbase((command: string, payload?: Record<string, unknown>) => {
        record('chatbase', payload === undefined ? [command] : [command, payload]);
        carried = command === 'identify' && payload ? payload : {};
      }, { metadataKey: 'user_token' }),
    salesiq: () => adapters.salesiq({ visitor: { info: (values: Record<string, unknown>) => { carried = { ...carried, ...values }; record('$zoho.salesiq.visitor.info', [values]); } } }, 'user_token'),
    zendesk: () =>
      adapters.zendesk((...args: unknown[]) => {
        record('zE', args);
        // The Messenger asks for the JWT through the callback after loginUser.
        if (args[1] === 'loginUser' && typeof args[2] === 'function') (args[2] as (cb: (jwt: string) => void) => void)((jwt) => record('loginUser callback → jwt', [jwt]));
      }),
    intercom: () => adapters.intercom((...args: unknown[]) => record('Intercom', args), { appId: 'demo_app' }),
    salesforce: () =>
      adapters.salesforce({
        userVerificationAPI: {
          setIdentityToken: (token: unknown) => record('embeddedservice_bootstrap.userVerificationAPI.setIdentityToken', [token]),
          clearSession: (flag: unknown) => record('embeddedservice_bootstrap.userVerificationAPI.clearSession', [flag]),
        },
      }),
  };
  mocks[vendor]();
  if (vendor !== '') {
    byId<HTMLParagraphElement>('adapter-note').textContent = `${VENDORS[vendor].adapter} Refreshes re-apply it; logout clears it. The log below is the mock widget API recording each call.`;
    byId<HTMLParagraphElement>('webhook-note').textContent = `${VENDORS[vendor].webhook} The mock handler forwards the call to chatwarden (server side, with its API key) and answers.`;
  }
  chatwarden.onToken((token) => {
    current = token;
    logoutButton.disabled = token === null;
    status.textContent = token ? `Logged in. Token expires at ${new Date(token.expiresAt).toLocaleTimeString()}; embed.js refreshes it before then.` : 'Not logged in.';
  });

  const say = (who: 'bot' | 'user', text: string) => {
    const item = document.createElement('li');
    item.className = who;
    item.textContent = text;
    chat.appendChild(item);
    chat.scrollTop = chat.scrollHeight;
  };

  /** The login this page has open, if any: only its own ending may hide the frame or change the status. */
  let open: { mode: 'popup' | 'iframe' } | null = null;
  const options = (mode: 'popup' | 'iframe') => ({ bot, mode, conversation, ...(mode === 'iframe' && { container: frame }) });

  async function login(mode: 'popup' | 'iframe') {
    if (open && open.mode === mode) {
      // Clicked again: embed.js brings the open login to the front and shares its outcome, which the first click handles.
      chatwarden.login(options(mode)).catch(() => undefined);
      return;
    }
    // The other button while a login is open: the visitor changed their mind, so close that one and open this one.
    if (open) chatwarden.cancel();
    const attempt = { mode };
    open = attempt;
    status.textContent = mode === 'popup' ? 'Waiting for the login popup… (close it to cancel)' : 'Log in in the frame below, or close it with ×.';
    frame.hidden = mode !== 'iframe';
    try {
      await chatwarden.login(options(mode));
      say('bot', 'You are logged in. Ask me about your orders.');
    } catch (error) {
      if (open !== attempt) return;
      const { code, message } = error as { code?: string; message: string };
      status.textContent = code === 'cancelled' ? 'Login closed. Not logged in.' : `Login did not finish: ${message}`;
    } finally {
      if (open === attempt) {
        open = null;
        frame.hidden = true;
      }
    }
  }

  byId<HTMLButtonElement>('login-popup').addEventListener('click', () => void login('popup'));
  byId<HTMLButtonElement>('login-iframe').addEventListener('click', () => void login('iframe'));
  logoutButton.addEventListener('click', () => {
    void chatwarden.logout().then(() => say('bot', 'You are logged out.'));
  });

  document.querySelectorAll<HTMLButtonElement>('button[data-action]').forEach((button) => {
    button.addEventListener('click', async () => {
      const action = button.dataset.action ?? '';
      say('user', button.textContent ?? action);
      // The chat vendor sends the hidden variable to the webhook; here the mock webhook is a dev-only route.
      const response = await fetch('/demo/webhook', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          vendor === ''
            ? { action, token: variables.user_token || undefined }
            : { action, vendor, carried, token: VENDORS[vendor].kind === 'proof' ? current?.token : undefined },
        ),
      });
      const result = (await response.json()) as { vendorCall?: unknown; request?: unknown; response?: unknown; reply?: string; message?: string };
      const received = result.vendorCall ? `${vendor} → webhook handler\n${JSON.stringify(result.vendorCall, null, 2)}\n\n` : '';
      webhookLog.textContent = result.request
        ? `${received}webhook handler → chatwarden\n${JSON.stringify(result.request, null, 2)}\n\nchatwarden → webhook handler\n${JSON.stringify(result.response, null, 2)}`
        : JSON.stringify(result, null, 2);
      say('bot', result.reply ?? result.message ?? 'Something went wrong.');
    });
  });
}
