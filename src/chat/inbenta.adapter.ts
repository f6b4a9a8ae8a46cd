/**
 * Inbenta Chat API adapter (VENDORS.md "Inbenta Chat API"; Inbenta's
 * "Using Webhooks To Detect Logged In Users", step 4: store the user token
 * with `POST /conversation/variables`).
 *
 * Flow:
 * 1. `POST {authUrl}/auth` with `x-inbenta-key` and the form body `secret=`
 *    gives `{ accessToken, expiration, expires_in, apis: { chatbot } }`. The
 *    token is cached per (authUrl, API key) and renewed before it expires with
 *    `POST {authUrl}/refreshToken`; when that fails, a fresh /auth is made.
 * 2. `POST {apis.chatbot}/v1/conversation/variables` with `x-inbenta-key`,
 *    `Authorization: Bearer <accessToken>`, `x-inbenta-session: Bearer
 *    <sessionToken>` and `{ name, value }` gives `{ success: true }`. The
 *    chatbot URL is the one the last auth answer named: Inbenta assigns each
 *    instance its own, so it is never hard-coded.
 * Errors come as `{ errors: [{ message, code }] }`; 400 "Session expired"
 * means the conversation is gone, which no retry can fix.
 */
import {
  ChatApi,
  ChatApiError,
  type ChatApiOptions,
  type ChatConfig,
  type ClearChatVariableRequest,
  type SetChatVariableRequest,
} from './chat-api.js';
import { ChatHttpClient, type ChatHttpResponse } from './chat-http.client.js';

export const DEFAULT_INBENTA_AUTH_URL = 'https://api.inbenta.io/v1';

const DEFAULT_REFRESH_MARGIN_MS = 60_000;

/** An Inbenta access token and what came with it. */
interface InbentaAccess {
  readonly accessToken: string;
  /** `apis.chatbot` of the auth answer: this instance's Chatbot API base URL. */
  readonly chatbotUrl: URL;
  /** Local clock, ms. */
  readonly expiresAt: number;
  /** Local clock, ms: from here on the token is renewed before use. */
  readonly renewAt: number;
}

/** Cache entry for one (authUrl, API key); `pending` makes concurrent callers share one renewal. */
interface AccessSlot {
  current?: InbentaAccess;
  pending?: Promise<InbentaAccess>;
}

export class InbentaAdapter extends ChatApi {
  static readonly vendor = 'inbenta';

  private readonly http: ChatHttpClient;
  private readonly now: () => number;
  private readonly refreshMarginMs: number;
  private readonly access = new Map<string, AccessSlot>();

  constructor(options: ChatApiOptions = {}) {
    super();
    this.http = new ChatHttpClient('Inbenta', options);
    this.now = options.now ?? Date.now;
    this.refreshMarginMs = Math.max(0, options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS);
  }

  async setVariable(request: SetChatVariableRequest): Promise<void> {
    const { chat, sessionToken, value } = request;
    const name = request.name ?? chat.variable;
    // fetch rejects header values with control characters and quotes them in its error.
    if (!isHeaderSafe(sessionToken)) {
      throw new ChatApiError(
        'chat_api_rejected',
        'The chat session token is empty or has characters a header cannot carry',
      );
    }
    if (!isHeaderSafe(chat.apiKey)) {
      throw new ChatApiError(
        'chat_api_rejected',
        'The configured Inbenta API key is empty or has characters a header cannot carry',
      );
    }
    const body = JSON.stringify({ name, value });

    let access = await this.accessFor(chat);
    let response = await this.postVariable(chat, access, sessionToken, body);
    if (response.status === 401) {
      // Inbenta no longer accepts the cached token (revoked or expired early):
      // drop it and try once more with a fresh one, never in a loop.
      this.forget(chat, access);
      access = await this.accessFor(chat, { fresh: true });
      response = await this.postVariable(chat, access, sessionToken, body);
    }
    checkVariableAnswer(response);
  }

  clearVariable(request: ClearChatVariableRequest): Promise<void> {
    return this.setVariable({ ...request, value: '' });
  }

  private postVariable(
    chat: ChatConfig,
    access: InbentaAccess,
    sessionToken: string,
    body: string,
  ): Promise<ChatHttpResponse> {
    return this.http.send({
      method: 'POST',
      url: endpoint(access.chatbotUrl, 'v1/conversation/variables'),
      label: 'POST /v1/conversation/variables',
      headers: {
        'x-inbenta-key': chat.apiKey,
        authorization: `Bearer ${access.accessToken}`,
        'x-inbenta-session': `Bearer ${sessionToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body,
    });
  }

  /** A usable access token for `chat`: the cached one, a refreshed one, or a new one. */
  private accessFor(chat: ChatConfig, options: { fresh?: boolean } = {}): Promise<InbentaAccess> {
    const slot = this.slotFor(chat);
    const { current } = slot;
    if (current && this.now() < current.renewAt) return Promise.resolve(current);
    if (slot.pending) return slot.pending;
    const pending = this.renew(chat, options.fresh ? undefined : current)
      .then((access) => {
        slot.current = access;
        return access;
      })
      .finally(() => {
        slot.pending = undefined;
      });
    slot.pending = pending;
    return pending;
  }

  private slotFor(chat: ChatConfig): AccessSlot {
    const key = `${authUrlOf(chat)}\n${chat.apiKey}`;
    let slot = this.access.get(key);
    if (!slot) {
      slot = {};
      this.access.set(key, slot);
    }
    return slot;
  }

  /**
   * Refreshes `current` while it is still valid (Inbenta refreshes only live
   * tokens), falling back to a new /auth. If both fail but `current` has not
   * expired yet, it is still good enough for this call.
   */
  private async renew(chat: ChatConfig, current: InbentaAccess | undefined): Promise<InbentaAccess> {
    const live = current && this.now() < current.expiresAt ? current : undefined;
    if (live) {
      try {
        return await this.refresh(chat, live);
      } catch {
        // Fall through to a full /auth, which needs nothing from the old token.
      }
    }
    try {
      return await this.authenticate(chat);
    } catch (error) {
      if (live && this.now() < live.expiresAt) return live;
      throw error;
    }
  }

  private async authenticate(chat: ChatConfig): Promise<InbentaAccess> {
    const response = await this.http.send({
      method: 'POST',
      url: endpoint(authBase(chat), 'auth'),
      label: 'POST /auth',
      headers: { 'x-inbenta-key': chat.apiKey, accept: 'application/json' },
      body: new URLSearchParams({ secret: chat.secret }),
    });
    if (response.status !== 200) throw rejection('POST /auth', response);
    return this.readAccess(chat, response.json, undefined);
  }

  private async refresh(chat: ChatConfig, current: InbentaAccess): Promise<InbentaAccess> {
    const response = await this.http.send({
      method: 'POST',
      url: endpoint(authBase(chat), 'refreshToken'),
      label: 'POST /refreshToken',
      headers: {
        'x-inbenta-key': chat.apiKey,
        authorization: `Bearer ${current.accessToken}`,
        accept: 'application/json',
      },
      // One try only: a failed refresh is followed by a full /auth anyway.
      maxAttempts: 1,
    });
    if (response.status !== 200) throw rejection('POST /refreshToken', response);
    return this.readAccess(chat, response.json, current.chatbotUrl);
  }

  /**
   * Reads an /auth or /refreshToken answer. The lifetime comes from
   * `expires_in` (seconds) measured on our clock, which is immune to clock
   * skew; `expiration` (Unix seconds) is the fallback.
   */
  private readAccess(chat: ChatConfig, json: unknown, previousChatbotUrl: URL | undefined): InbentaAccess {
    const answer = isRecord(json) ? json : {};
    const now = this.now();
    const accessToken = answer.accessToken;
    const lifetimeMs =
      typeof answer.expires_in === 'number' && answer.expires_in > 0
        ? answer.expires_in * 1000
        : typeof answer.expiration === 'number'
          ? answer.expiration * 1000 - now
          : NaN;
    const apis = isRecord(answer.apis) ? answer.apis : {};
    const chatbotUrl = typeof apis.chatbot === 'string' ? chatbotBase(apis.chatbot, chat) : previousChatbotUrl;
    if (typeof accessToken !== 'string' || !isHeaderSafe(accessToken) || !(lifetimeMs > 0) || !chatbotUrl) {
      throw new ChatApiError(
        'chat_api_unavailable',
        'The Inbenta authentication answer lacks a usable accessToken, expires_in or apis.chatbot',
      );
    }
    const expiresAt = now + lifetimeMs;
    return { accessToken, chatbotUrl, expiresAt, renewAt: expiresAt - Math.min(this.refreshMarginMs, lifetimeMs / 4) };
  }

  /** Drops `access` from the cache unless a newer token already replaced it. */
  private forget(chat: ChatConfig, access: InbentaAccess): void {
    const slot = this.slotFor(chat);
    if (slot.current === access) slot.current = undefined;
  }
}

function checkVariableAnswer(response: ChatHttpResponse): void {
  const { status, json } = response;
  if (status >= 200 && status < 300) {
    if (isRecord(json) && json.success === true) return;
    throw new ChatApiError('chat_api_rejected', 'Inbenta did not confirm the variable (no "success": true)', status);
  }
  if (status === 400 && vendorErrors(json).some((error) => /session expired/i.test(error.message))) {
    throw new ChatApiError(
      'session_expired',
      'The chat session has expired; the conversation must be started again',
      status,
    );
  }
  throw rejection('POST /v1/conversation/variables', response);
}

/** An answer that retrying cannot change. 429 counts as unavailable: the same call may work later. */
function rejection(label: string, response: ChatHttpResponse): ChatApiError {
  const codes = vendorErrors(response.json)
    .map((error) => error.code)
    .filter((code): code is string => code !== undefined);
  const detail = codes.length > 0 ? ` (error code ${codes.slice(0, 3).join(', ')})` : '';
  if (response.status === 429) {
    return new ChatApiError('chat_api_unavailable', `Inbenta is rate limiting: ${label} answered HTTP 429`, 429);
  }
  return new ChatApiError(
    'chat_api_rejected',
    `Inbenta refused ${label}: HTTP ${response.status}${detail}`,
    response.status,
  );
}

/**
 * `{ errors: [{ message, code }] }`. The message is used only for matching,
 * never copied into our errors (it may quote what was sent); a code is kept
 * when it is a short identifier.
 */
function vendorErrors(json: unknown): { message: string; code?: string }[] {
  if (!isRecord(json) || !Array.isArray(json.errors)) return [];
  return json.errors.filter(isRecord).map((error) => {
    const code = typeof error.code === 'number' || typeof error.code === 'string' ? String(error.code) : '';
    return {
      message: typeof error.message === 'string' ? error.message : '',
      code: /^[A-Za-z0-9_.-]{1,40}$/.test(code) ? code : undefined,
    };
  });
}

/**
 * `apis.chatbot` receives the API key and tokens, so it must be an http(s)
 * URL, and https unless the operator pointed authUrl at plain http (a local
 * fake or proxy): an auth answer alone cannot downgrade the transport.
 */
function chatbotBase(value: string, chat: ChatConfig): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const insecureAllowed = authBase(chat).protocol === 'http:';
  if (url.protocol === 'https:' || (insecureAllowed && url.protocol === 'http:')) return url;
  return undefined;
}

function authUrlOf(chat: ChatConfig): string {
  return chat.authUrl ?? DEFAULT_INBENTA_AUTH_URL;
}

function authBase(chat: ChatConfig): URL {
  const url = URL.canParse(authUrlOf(chat)) ? new URL(authUrlOf(chat)) : undefined;
  if (url?.protocol === 'https:' || url?.protocol === 'http:') return url;
  throw new ChatApiError('chat_api_rejected', 'The configured Inbenta authUrl is not an http(s) URL');
}

/** `base` + `path`, keeping whatever path `base` already has (`…/v1` + `auth` → `…/v1/auth`). */
function endpoint(base: URL, path: string): URL {
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path}`;
  url.search = '';
  url.hash = '';
  return url;
}

/** Visible ASCII only: what an HTTP header value can carry without escaping. */
function isHeaderSafe(value: string): boolean {
  return /^[\x21-\x7e]+$/.test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
