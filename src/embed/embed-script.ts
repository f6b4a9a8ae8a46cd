/**
 * The source of GET /embed.js: the helper a host page loads to log its user
 * in and keep the token fresh (SPEC.md "embed.js", docs/embedding.md).
 * Written as a function so the compiler checks it against the DOM types and
 * served as its source text, so it must stay self-contained: no imports and
 * no outer variables; its one argument is the service origin to fall back on
 * when the script element cannot tell where it was loaded from.
 */

/** What `chatwarden.login()` resolves with and token listeners receive. */
export interface EmbedToken {
  token: string;
  expiresAt: string;
  /** Vendor identity proofs the bot configures (`bots.<id>.identity`), by vendor. */
  identity?: Record<string, unknown>;
}

export function embedScript(fallbackOrigin: string): void {
  type Listener = (current: EmbedToken | null) => void;
  type LoginOptions = { bot?: unknown; mode?: unknown; conversation?: unknown; container?: unknown };
  type ChatSdk = { addVariable?: unknown; api?: { addVariable?: unknown }; actions?: { addVariable?: unknown } };

  const script = document.currentScript as HTMLScriptElement | null;
  // The origin embed.js came from is the one that sends tokens; every message is checked against it.
  const base = script && script.src ? new URL(script.src).origin : fallbackOrigin;
  const listeners = new Set<Listener>();
  let current: EmbedToken | null = null;
  let refreshTimer: number | undefined;
  type CheckedOptions = { bot: string; mode: 'popup' | 'iframe'; conversation?: string; container?: Element };
  /** The login in progress: at most one (one popup or frame, one message listener), and every way it ends resets this. */
  let active: { request: CheckedOptions; promise: Promise<EmbedToken>; focus: () => void; cancel: () => void } | null = null;

  class ChatwardenError extends Error {
    constructor(
      readonly code: string,
      message: string,
    ) {
      super(message);
      this.name = 'ChatwardenError';
    }
  }

  function emit(): void {
    listeners.forEach((listener) => {
      try {
        listener(current);
      } catch (error) {
        console.error('chatwarden: a token listener failed', error);
      }
    });
  }

  function accept(next: EmbedToken | null): void {
    current = next;
    window.clearTimeout(refreshTimer);
    refreshTimer = undefined;
    if (next) scheduleRefresh(next);
    emit();
  }

  /** Refresh when about four fifths of the lifetime has passed, at most a minute before expiry. */
  function scheduleRefresh(token: EmbedToken, retryInMs?: number): void {
    const left = Date.parse(token.expiresAt) - Date.now();
    const delay = retryInMs ?? Math.max(left - Math.min(60_000, left / 5), 1000);
    if (left <= 0) return;
    refreshTimer = window.setTimeout(() => void refresh(), Math.min(delay, 2 ** 31 - 1));
  }

  async function refresh(): Promise<void> {
    const token = current;
    if (!token) return;
    let response: Response;
    try {
      response = await fetch(`${base}/v1/tokens/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: token.token }),
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch {
      // Network trouble: try again shortly while the token is still valid.
      if (current === token) scheduleRefresh(token, 15_000);
      return;
    }
    if (current !== token) return;
    if (response.ok) {
      const body = (await response.json()) as { token?: unknown; expiresAt?: unknown; identity?: unknown };
      if (typeof body.token === 'string' && typeof body.expiresAt === 'string') {
        accept({ token: body.token, expiresAt: body.expiresAt, ...identityOf(body) });
        return;
      }
    }
    if (response.status >= 500) {
      scheduleRefresh(token, 15_000);
      return;
    }
    // The session is over (logged out, revoked, idle too long): the host should offer a new login.
    accept(null);
  }

  function checkOptions(options: LoginOptions): CheckedOptions {
    const mode = options.mode === undefined ? 'popup' : options.mode;
    if (typeof options.bot !== 'string' || options.bot === '') throw new ChatwardenError('invalid_options', 'chatwarden.login needs { bot }');
    if (mode !== 'popup' && mode !== 'iframe') throw new ChatwardenError('invalid_options', "mode is 'popup' or 'iframe'");
    if (options.conversation !== undefined && typeof options.conversation !== 'string') {
      throw new ChatwardenError('invalid_options', 'conversation is a string');
    }
    let container: Element | undefined;
    if (typeof options.container === 'string') container = document.querySelector(options.container) ?? undefined;
    else if (options.container instanceof Element) container = options.container;
    if (options.container !== undefined && !container) throw new ChatwardenError('invalid_options', 'container not found');
    return { bot: options.bot, mode, conversation: options.conversation, container };
  }

  function loginUrl(bot: string, mode: string, conversation?: string): string {
    const query = new URLSearchParams({ bot, origin: window.location.origin, mode });
    if (conversation !== undefined) query.set('conversation', conversation);
    return `${base}/login?${query.toString()}`;
  }

  /** The close button every login frame carries, so the user can always leave a login (a page that failed to load included). */
  function closeButton(onClose: () => void): HTMLButtonElement {
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = '×';
    close.setAttribute('aria-label', 'Close sign-in');
    Object.assign(close.style, {
      position: 'absolute', top: '4px', right: '4px', width: '32px', height: '32px', fontSize: '20px', lineHeight: '1',
      border: '0', borderRadius: '16px', background: '#fff', color: '#1b1f24', cursor: 'pointer', zIndex: '1',
    });
    close.addEventListener('click', onClose);
    return close;
  }

  /**
   * Where the login frame goes: inside the host's `container`, or a modal
   * overlay that Escape also dismisses. Either way with a close button.
   */
  function frameHost(container: Element | undefined, onClose: () => void): { host: HTMLElement; remove: () => void } {
    const panel = document.createElement('div');
    panel.appendChild(closeButton(onClose));
    if (container) {
      Object.assign(panel.style, { position: 'relative', width: '100%', height: '100%' });
      container.appendChild(panel);
      return { host: panel, remove: () => panel.remove() };
    }
    const backdrop = document.createElement('div');
    backdrop.setAttribute('role', 'dialog');
    backdrop.setAttribute('aria-modal', 'true');
    backdrop.setAttribute('aria-label', 'Sign in');
    Object.assign(backdrop.style, {
      position: 'fixed', inset: '0', zIndex: '2147483647', background: 'rgba(0,0,0,0.45)',
      display: 'flex', alignItems: 'center', justifyContent: 'center', padding: '8px',
    });
    Object.assign(panel.style, { position: 'relative', width: '420px', maxWidth: '100%', height: '600px', maxHeight: '100%' });
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    backdrop.appendChild(panel);
    document.body.appendChild(backdrop);
    return {
      host: panel,
      remove: () => {
        document.removeEventListener('keydown', onKey);
        backdrop.remove();
      },
    };
  }

  function sameRequest(a: CheckedOptions, b: CheckedOptions): boolean {
    return a.bot === b.bot && a.mode === b.mode && a.conversation === b.conversation && a.container === b.container;
  }

  /**
   * One login at a time. A second call while one is open brings the open one
   * to the front and, for the same request (a double click), shares its
   * outcome; a different request is refused with `busy` and the open login
   * stays usable. It ends with a token, or `cancelled` when the user closes
   * it (close button, Escape, the popup closed, its frame removed) or
   * cancel() is called; after any ending a new login can start.
   */
  function login(options: LoginOptions = {}): Promise<EmbedToken> {
    let checked: CheckedOptions;
    try {
      checked = checkOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (active) {
      active.focus();
      if (sameRequest(active.request, checked)) return active.promise;
      return Promise.reject(new ChatwardenError('busy', 'a login is already open: finish or close it first (chatwarden.cancel() closes it)'));
    }
    return start(checked);
  }

  function start(checked: CheckedOptions): Promise<EmbedToken> {
    const url = loginUrl(checked.bot, checked.mode, checked.conversation);
    const previousFocus = document.activeElement as HTMLElement | null;
    let settle: (error: Error | null, token?: EmbedToken) => void = () => {};
    const promise = new Promise<EmbedToken>((resolve, reject) => {
      settle = (error, token) => (error ? reject(error) : resolve(token!));
    });
    let target: Window | null = null;
    let focusOpen = () => {};
    /** Undoes what this login added to the page; `closeWindow` also closes a popup the user left open. */
    let cleanup: (closeWindow: boolean) => void = () => {};
    const session = {
      request: checked,
      promise,
      focus: () => focusOpen(),
      cancel: () => finish(new ChatwardenError('cancelled', 'the login was cancelled'), undefined, true),
    };
    const cancelled = (message: string) => () => finish(new ChatwardenError('cancelled', message));
    function finish(error: Error | null, token?: EmbedToken, closeWindow = false): void {
      // Only the open login ends, and only once.
      if (active !== session) return;
      active = null;
      window.removeEventListener('message', onMessage);
      cleanup(closeWindow);
      if (previousFocus && previousFocus.isConnected && typeof previousFocus.focus === 'function') previousFocus.focus();
      settle(error, token);
    }
    function onMessage(event: MessageEvent): void {
      // Only this service's origin, and only the window this login opened, may hand over a token.
      if (event.origin !== base || target === null || event.source !== target) return;
      const data = event.data as { type?: unknown; token?: unknown; expiresAt?: unknown; chatVariable?: unknown; identity?: unknown } | null;
      if (!data || data.type !== 'chatwarden:token' || typeof data.token !== 'string' || typeof data.expiresAt !== 'string') return;
      const token = { token: data.token, expiresAt: data.expiresAt, ...(data.chatVariable === 'set' || data.chatVariable === 'failed' ? { chatVariable: data.chatVariable } : {}), ...identityOf(data) };
      accept(token);
      finish(null, token);
    }
    // Active before anything can end it: a blocked popup ends the login synchronously, below.
    active = session;
    window.addEventListener('message', onMessage);

    if (checked.mode === 'popup') {
      const width = 480;
      const height = 640;
      const left = Math.max(0, window.screenX + (window.outerWidth - width) / 2);
      const top = Math.max(0, window.screenY + (window.outerHeight - height) / 2);
      target = window.open(url, 'chatwarden-login', `popup,width=${width},height=${height},left=${left},top=${top}`);
      if (!target) {
        finish(new ChatwardenError('popup_blocked', 'the browser blocked the login popup; call login() from a click handler'));
        return promise;
      }
      const popup = target;
      let closedAt: number | undefined;
      const watch = window.setInterval(() => {
        // The success page closes itself right after posting; give its message time to arrive.
        if (!popup.closed || closedAt !== undefined) return;
        closedAt = window.setTimeout(cancelled('the login window was closed'), 500);
      }, 400);
      focusOpen = () => popup.focus();
      cleanup = (closeWindow) => {
        window.clearInterval(watch);
        window.clearTimeout(closedAt);
        if (closeWindow && !popup.closed) popup.close();
      };
      return promise;
    }

    const frame = document.createElement('iframe');
    frame.src = url;
    frame.title = 'Sign in';
    Object.assign(frame.style, { width: '100%', height: '100%', minHeight: '420px', border: '0', background: '#fff', borderRadius: '8px' });
    const holder = frameHost(checked.container, cancelled('the login was closed'));
    holder.host.appendChild(frame);
    target = frame.contentWindow;
    // A host that removes the frame (or its container) from the page ends the login instead of leaving it open forever.
    const watch = window.setInterval(() => {
      if (!frame.isConnected) cancelled('the login frame was removed from the page')();
    }, 400);
    focusOpen = () => {
      frame.scrollIntoView({ block: 'nearest' });
      frame.focus();
    };
    cleanup = () => {
      window.clearInterval(watch);
      holder.remove();
    };
    frame.focus();
    return promise;
  }

  /** Abandons the login in progress, if any (closing its popup or frame); its promise rejects with `cancelled`. */
  function cancelPending(): void {
    active?.cancel();
  }

  async function logout(): Promise<void> {
    const token = current;
    accept(null);
    if (!token) return;
    await fetch(`${base}/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: token.token }),
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    }).catch(() => undefined);
  }

  /** Calls `listener` now (when logged in) and on every new token, refresh and logout (null). */
  function onToken(listener: Listener): () => void {
    listeners.add(listener);
    if (current) listener(current);
    return () => listeners.delete(listener);
  }

  /** The widget SDK's addVariable, wherever this SDK version keeps it. */
  function addVariableOf(sdk: ChatSdk): (name: string, value: string) => unknown {
    for (const holder of [sdk, sdk.api, sdk.actions]) {
      if (holder && typeof holder.addVariable === 'function') return (holder.addVariable as (n: string, v: string) => unknown).bind(holder);
    }
    throw new ChatwardenError('invalid_options', 'this chat SDK has no addVariable method');
  }

  // ---- Adapters: hand the token (and the vendors' identity proofs) to each widget SDK, again on every
  // refresh, and clear them on logout. Each checks the SDK surface it needs when it is created, so a
  // wrong object fails at once with a message naming the missing method, not at the first login.

  /** `{ identity }` when `data.identity` is a plain object, else nothing (the answer carries no proofs). */
  function identityOf(data: { identity?: unknown }): { identity?: Record<string, unknown> } {
    const identity = data.identity;
    return typeof identity === 'object' && identity !== null && !Array.isArray(identity) ? { identity: identity as Record<string, unknown> } : {};
  }

  type UserHash = { userId: string; userHash: string };

  /** The proof of `vendor` in `token`, own key only; undefined (and a console error naming the fix) when absent. */
  function proofOf(token: EmbedToken, vendor: string): unknown {
    const identity = token.identity;
    if (identity && Object.prototype.hasOwnProperty.call(identity, vendor)) return identity[vendor];
    console.error(`chatwarden: the token answer carries no ${vendor} identity proof; configure bots.<bot>.identity.${vendor} on the chatwarden side`);
    return undefined;
  }

  function isUserHash(value: unknown): value is UserHash {
    const proof = value as UserHash | null;
    return typeof proof === 'object' && proof !== null && typeof proof.userId === 'string' && typeof proof.userHash === 'string';
  }

  /** `holder[name]` bound to holder, or an invalid_options error that names what the adapter expected. */
  function methodOf(holder: unknown, name: string, what: string): (...args: unknown[]) => unknown {
    const method = holder !== null && (typeof holder === 'object' || typeof holder === 'function') ? (holder as Record<string, unknown>)[name] : undefined;
    if (typeof method !== 'function') throw new ChatwardenError('invalid_options', `${what} has no ${name}() method`);
    return (method as (...args: unknown[]) => unknown).bind(holder);
  }

  function needsFunction(fn: unknown, what: string): (...args: unknown[]) => unknown {
    if (typeof fn !== 'function') throw new ChatwardenError('invalid_options', `${what} must be a function`);
    return fn as (...args: unknown[]) => unknown;
  }

  /** Runs an SDK call; a throw or rejection is reported, never allowed to break the other adapters. */
  function safely(what: string, call: () => unknown): void {
    try {
      Promise.resolve(call()).catch((error: unknown) => console.error(`chatwarden: ${what} failed`, error));
    } catch (error) {
      console.error(`chatwarden: ${what} failed`, error);
    }
  }

  const adapters = {
    /** Keeps the Inbenta widget's hidden variable `variableName` set to the current token ('' after logout). */
    inbenta(sdk: ChatSdk, variableName = 'user_token'): () => void {
      const addVariable = addVariableOf(sdk);
      return onToken((token) => {
        Promise.resolve(addVariable(variableName, token ? token.token : '')).catch((error: unknown) =>
          console.error('chatwarden: addVariable failed', error),
        );
      });
    },

    /**
     * ChatBot.com widget: `BE_API.setSessionAttributes({ [attribute]: token })`; the webhook then finds
     * the token in its body's `attributes`. Logout blanks the attribute and calls `resetSession()`.
     * Call it once `BE_API.onLoad` fired.
     */
    chatbotcom(beApi: unknown, attribute = 'user_token'): () => void {
      const setSessionAttributes = methodOf(beApi, 'setSessionAttributes', 'BE_API (the ChatBot.com widget API)');
      if (typeof attribute !== 'string' || attribute === '') throw new ChatwardenError('invalid_options', 'the attribute name is a non-empty string');
      return onToken((token) => {
        safely('BE_API.setSessionAttributes', () => setSessionAttributes({ [attribute]: token ? token.token : '' }));
        if (!token && typeof (beApi as { resetSession?: unknown }).resetSession === 'function') {
          safely('BE_API.resetSession', () => (beApi as { resetSession: () => unknown }).resetSession());
        }
      });
    },

    /**
     * Chatbase widget: `chatbase("identify", { user_id, user_hash, user_metadata: { [metadataKey]: token } })`
     * with the `chatbase` proof. Logout calls `chatbase(options.resetCommand)` ("resetUser" by default;
     * unconfirmed: Chatbase's public documents name no logout call).
     */
    chatbase(chatbase: unknown, options: { metadataKey?: string; resetCommand?: string } = {}): () => void {
      const call = needsFunction(chatbase, 'chatbase (the function the Chatbase embed script defines)');
      const metadataKey = options.metadataKey ?? 'user_token';
      const resetCommand = options.resetCommand ?? 'resetUser';
      return onToken((token) => {
        if (!token) {
          safely(`chatbase("${resetCommand}")`, () => call(resetCommand));
          return;
        }
        const proof = proofOf(token, 'chatbase');
        if (!isUserHash(proof)) return;
        safely('chatbase("identify")', () =>
          call('identify', { user_id: proof.userId, user_hash: proof.userHash, user_metadata: { [metadataKey]: token.token } }),
        );
      });
    },

    /**
     * Zoho SalesIQ (where ConvoKraft bots run on websites): `salesiq.visitor.info({ [field]: token })`,
     * blanked on logout. Pass `$zoho.salesiq` inside `$zoho.salesiq.ready`. How a ConvoKraft webhook
     * receives visitor info is unconfirmed (see docs/embedding.md).
     */
    salesiq(salesiq: unknown, field = 'user_token'): () => void {
      const info = methodOf((salesiq as { visitor?: unknown } | null)?.visitor, 'info', '$zoho.salesiq.visitor');
      if (typeof field !== 'string' || field === '') throw new ChatwardenError('invalid_options', 'the field name is a non-empty string');
      return onToken((token) => safely('salesiq.visitor.info', () => info({ [field]: token ? token.token : '' })));
    },

    /**
     * Zendesk Messaging: `zE('messenger', 'loginUser', callback => callback(jwt))` with the `zendesk`
     * proof, again on every refresh (Zendesk also calls the callback when its JWT expires: it then gets
     * the newest proof); `zE('messenger', 'logoutUser')` on logout.
     */
    zendesk(zE: unknown): () => void {
      const call = needsFunction(zE, 'zE (the function the Zendesk Web Widget snippet defines)');
      let loggedIn = false;
      return onToken((token) => {
        // No token, or a token without the proof: nobody may stay logged in to the Messenger under an older proof.
        if (!token || typeof proofOf(token, 'zendesk') !== 'string') {
          if (loggedIn) safely("zE('messenger', 'logoutUser')", () => call('messenger', 'logoutUser'));
          loggedIn = false;
          return;
        }
        loggedIn = true;
        safely("zE('messenger', 'loginUser')", () =>
          call('messenger', 'loginUser', (callback: (jwt: string) => void) => {
            const latest = current && current.identity ? current.identity.zendesk : undefined;
            if (typeof latest === 'string') callback(latest);
          }),
        );
      });
    },

    /**
     * Intercom Messenger: `Intercom('update', { intercom_user_jwt })` with the `intercom` proof (or
     * `{ user_id, user_hash }` when the bot mints the legacy hash), `Intercom('boot', …)` with
     * `options.appId` for the first one; `Intercom('shutdown')` on logout, then an anonymous boot when
     * `appId` is given.
     */
    intercom(intercom: unknown, options: { appId?: string } = {}): () => void {
      const call = needsFunction(intercom, 'Intercom (the function the Intercom Messenger snippet defines)');
      let booted = false;
      return onToken((token) => {
        if (!token) {
          safely("Intercom('shutdown')", () => call('shutdown'));
          booted = false;
          if (options.appId !== undefined) safely("Intercom('boot')", () => call('boot', { app_id: options.appId }));
          return;
        }
        const proof = proofOf(token, 'intercom');
        const settings = typeof proof === 'string' ? { intercom_user_jwt: proof } : isUserHash(proof) ? { user_id: proof.userId, user_hash: proof.userHash } : undefined;
        if (!settings) return;
        const first = !booted && options.appId !== undefined;
        booted = true;
        safely(`Intercom('${first ? 'boot' : 'update'}')`, () => call(first ? 'boot' : 'update', first ? { app_id: options.appId, ...settings } : settings));
      });
    },

    /**
     * Salesforce Enhanced Web Chat: `embeddedservice_bootstrap.userVerificationAPI.setIdentityToken(
     * { identityTokenType: 'JWT', identityToken })` with the `salesforce` proof, again on every refresh;
     * on `onEmbeddedMessagingIdentityTokenExpired` a fresh token is fetched (its proof then follows);
     * `clearSession(true)` on logout. Call it from `onEmbeddedMessagingReady`.
     */
    salesforce(bootstrap: unknown): () => void {
      const api = (bootstrap as { userVerificationAPI?: unknown } | null)?.userVerificationAPI;
      const setIdentityToken = methodOf(api, 'setIdentityToken', 'embeddedservice_bootstrap.userVerificationAPI');
      const clearSession = methodOf(api, 'clearSession', 'embeddedservice_bootstrap.userVerificationAPI');
      let verified = false;
      const onExpired = () => {
        if (current) void refresh();
      };
      window.addEventListener('onEmbeddedMessagingIdentityTokenExpired', onExpired);
      const stop = onToken((token) => {
        const proof = token ? proofOf(token, 'salesforce') : undefined;
        if (typeof proof !== 'string') {
          if (verified) safely('userVerificationAPI.clearSession', () => clearSession(true));
          verified = false;
          return;
        }
        verified = true;
        safely('userVerificationAPI.setIdentityToken', () => setIdentityToken({ identityTokenType: 'JWT', identityToken: proof }));
      });
      return () => {
        window.removeEventListener('onEmbeddedMessagingIdentityTokenExpired', onExpired);
        stop();
      };
    },

    /** Calls `fn(token | null)` on every change. */
    callback(fn: Listener): () => void {
      if (typeof fn !== 'function') throw new ChatwardenError('invalid_options', 'callback needs a function');
      return onToken(fn);
    },
  };

  document.addEventListener('visibilitychange', () => {
    // Background tabs throttle timers: catch up as soon as the page is visible again.
    if (document.visibilityState === 'visible' && current && Date.parse(current.expiresAt) - Date.now() < 60_000) void refresh();
  });

  (window as unknown as { chatwarden: unknown }).chatwarden = Object.freeze({
    origin: base,
    login,
    logout,
    onToken,
    token: () => current,
    /** Abandons a login in progress (closes its frame); the promise rejects with code `cancelled`. */
    cancel: () => cancelPending(),
    refresh,
    adapters: Object.freeze(adapters),
  });
}
