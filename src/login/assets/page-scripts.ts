/**
 * The scripts of the login pages, served from this origin as /assets/*.js
 * (CSP `script-src 'self'`, nothing inline). They are written as functions so
 * the compiler checks them against the DOM types, and served as their source
 * text: each must be self-contained (no imports, no outer variables).
 */

/**
 * /assets/login.js. Guards the single-use form token against a double submit
 * and, inside an iframe, opens SSO in a popup whose result it relays to the
 * host page (the popup's opener is this frame, not the host).
 */
export function loginPageScript(): void {
  const body = document.body;
  const mode = body.dataset.mode;
  const hostOrigin = body.dataset.origin ?? '';
  const form = document.querySelector<HTMLFormElement>('form.login-form');
  if (form) {
    form.addEventListener('submit', (event) => {
      const missing = Array.from(form.querySelectorAll<HTMLInputElement>('input[required]')).find((input) => input.value === '');
      if (missing) {
        event.preventDefault();
        const error = document.getElementById('login-error');
        if (error) {
          error.textContent = 'Please enter your username and password.';
          error.hidden = false;
        }
        missing.focus();
        return;
      }
      const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
      if (button) {
        button.disabled = true;
        button.textContent = 'Signing in…';
      }
    });
  }
  if (mode !== 'iframe') return;
  let popup: Window | null = null;
  document.querySelectorAll<HTMLAnchorElement>('a[data-sso]').forEach((link) => {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      popup = window.open(link.href, 'chatwarden-sso', 'popup,width=520,height=680');
    });
  });
  window.addEventListener('message', (event) => {
    if (event.origin !== window.location.origin || popup === null || event.source !== popup) return;
    const data = event.data as { type?: unknown; token?: unknown; expiresAt?: unknown; chatVariable?: unknown; identity?: unknown } | null;
    if (!data || data.type !== 'chatwarden:token' || typeof data.token !== 'string' || typeof data.expiresAt !== 'string') return;
    popup = null;
    const relayed: Record<string, unknown> = { type: 'chatwarden:token', token: data.token, expiresAt: data.expiresAt };
    if (typeof data.chatVariable === 'string') relayed.chatVariable = data.chatVariable;
    if (typeof data.identity === 'object' && data.identity !== null) relayed.identity = data.identity;
    window.parent.postMessage(relayed, hostOrigin);
    const heading = document.querySelector('h1');
    if (heading) heading.textContent = "You're signed in";
  });
}

/**
 * /assets/complete.js. Hands the token from the page's JSON block to the
 * host: the parent (iframe) or the opener (popup), always with the validated
 * origin as targetOrigin so no other page can receive it. When the opener is
 * this service's own login iframe (SSO started from an iframe), it posts to
 * that frame, which relays to its parent.
 */
export function completePageScript(): void {
  const block = document.getElementById('result');
  const status = document.getElementById('status');
  if (!block || !block.textContent) return;
  const result = JSON.parse(block.textContent) as { type: string; token: string; expiresAt: string; origin: string; mode: string; chatVariable?: string; identity?: object };
  // chatVariable tells the host whether the server already stored the token in the conversation; identity carries the vendor proofs.
  const message = {
    type: result.type,
    token: result.token,
    expiresAt: result.expiresAt,
    ...(result.chatVariable && { chatVariable: result.chatVariable }),
    ...(result.identity && { identity: result.identity }),
  };
  const say = (text: string) => {
    if (status) status.textContent = text;
  };
  if (result.mode === 'iframe') {
    if (window.parent !== window) window.parent.postMessage(message, result.origin);
    say('You are signed in. You can continue in the chat.');
    return;
  }
  const opener = window.opener as Window | null;
  if (!opener || opener.closed) {
    say('You are signed in, but the chat window could not be reached. Please close this window and try again from the chat.');
    return;
  }
  let relay = false;
  try {
    relay = opener.location.origin === window.location.origin && opener.document.body.dataset.mode === 'iframe';
  } catch {
    relay = false;
  }
  opener.postMessage(message, relay ? window.location.origin : result.origin);
  say('You are signed in. This window will close.');
  // A short pause lets the opener handle the message before this window goes away.
  window.setTimeout(() => window.close(), 300);
}
