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
<p><code>chatwarden.adapters.inbenta(sdk, 'user_token')</code> stores the token in the conversation's hidden variable with the widget SDK's <code>addVariable</code>,
again after every automatic refresh, and clears it on logout. (Server side, chatwarden can push it with the Chat API instead.)</p>
<pre id="variable-log" class="log" aria-live="polite">No addVariable call yet.</pre>
</li>
<li>
<h2>3. A webhook checks who is asking</h2>
<p>Ask the bot something that needs the user. The chat vendor calls your webhook with the hidden variable; the webhook handler asks chatwarden
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

  // The widget's hidden variables, as a mock of the Inbenta Chatbot SDK keeps them.
  const variables: Record<string, string> = {};
  const mockSdk = {
    addVariable(name: string, value: string): Promise<void> {
      variables[name] = value;
      const line = `${new Date().toLocaleTimeString()}  sdk.addVariable(${JSON.stringify(name)}, ${JSON.stringify(value ? short(value) : '')})`;
      variableLog.textContent = variableLog.textContent === 'No addVariable call yet.' ? line : `${variableLog.textContent}\n${line}`;
      return Promise.resolve();
    },
  };
  chatwarden.adapters.inbenta(mockSdk, 'user_token');
  chatwarden.onToken((token) => {
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
  const options = (mode: 'popup' | 'iframe') => ({ bot: 'demo', mode, conversation, ...(mode === 'iframe' && { container: frame }) });

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
        body: JSON.stringify({ action, token: variables.user_token || undefined }),
      });
      const result = (await response.json()) as { request?: unknown; response?: unknown; reply?: string; message?: string };
      webhookLog.textContent = result.request
        ? `webhook handler → chatwarden\n${JSON.stringify(result.request, null, 2)}\n\nchatwarden → webhook handler\n${JSON.stringify(result.response, null, 2)}`
        : JSON.stringify(result, null, 2);
      say('bot', result.reply ?? result.message ?? 'Something went wrong.');
    });
  });
}
