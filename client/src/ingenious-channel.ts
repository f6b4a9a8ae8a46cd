/**
 * The site's own server as an inGenious AI custom channel (the "webhook
 * integration": VENDORS.md "Putting the user into each vendor's
 * conversation"; support.ingenious.ai "Create a custom channel using
 * webhooks"): it starts chats with `POST {baseUrl}/conversations` and sends
 * the user's messages with `POST {baseUrl}/conversations/{id}/messages`, both
 * with the integration's access token as a Bearer token. This helper sends
 * those requests with the chatwarden user token placed inside the body, so
 * the bot's webhooks can hand it to the handler.
 *
 * Where inGenious carries custom data from a user message to the bot's
 * webhooks is not stated by any public source: the place is `tokenPath`
 * (default `metadata.user_token`, unconfirmed — the start-chat body documents
 * a `metadata` object), and the handler's `tokenField` must name where the
 * token then arrives. The body itself is the caller's, as the inGenious
 * webhook API defines it; the helper only adds the token.
 */

export interface IngeniousChannelOptions {
  /** The webhook integration's base URL, e.g. https://au.api.ingenious.ai/messaging/webhook/v1/{teamId}/{botId}. */
  baseUrl: string;
  /** The webhook integration's access token (sent as `Authorization: Bearer …`). */
  accessToken: string;
  /** Dot path in each request body that receives the user token. Default `metadata.user_token` (unconfirmed). */
  tokenPath?: string;
  /** Per request. Default 5000. */
  timeoutMs?: number;
  /** A fetch implementation; default the global one. */
  fetch?: typeof fetch;
}

/** inGenious refused or could not be reached; the message names the status, never the token or access token. */
export class IngeniousChannelError extends Error {
  constructor(
    message: string,
    /** HTTP status inGenious answered with, when it answered. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IngeniousChannelError';
  }
}

const DEFAULT_TOKEN_PATH = 'metadata.user_token';
const PATH_SEGMENT = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/** The path's segments, refusing what could reach an object's prototype. */
export function parseTokenPath(path: string): string[] {
  const segments = path.split('.');
  if (segments.length > 8 || !segments.every((segment) => PATH_SEGMENT.test(segment) && !FORBIDDEN_SEGMENTS.has(segment))) {
    throw new TypeError('tokenPath is a dot path of plain names, e.g. metadata.user_token');
  }
  return segments;
}

/** A copy of `body` with `token` at `path` (intermediate objects created or copied; the caller's body is left as it was). */
export function withUserToken(body: Record<string, unknown>, token: string, path: string = DEFAULT_TOKEN_PATH): Record<string, unknown> {
  const segments = parseTokenPath(path);
  const root: Record<string, unknown> = { ...body };
  let holder = root;
  for (const segment of segments.slice(0, -1)) {
    const existing = Object.hasOwn(holder, segment) ? holder[segment] : undefined;
    const next: Record<string, unknown> = typeof existing === 'object' && existing !== null && !Array.isArray(existing) ? { ...(existing as Record<string, unknown>) } : {};
    holder[segment] = next;
    holder = next;
  }
  holder[segments[segments.length - 1]] = token;
  return root;
}

export class IngeniousChannel {
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly tokenPath: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: IngeniousChannelOptions) {
    if (!/^https?:\/\//.test(options.baseUrl)) throw new TypeError('baseUrl must be an http:// or https:// URL');
    if (typeof options.accessToken !== 'string' || options.accessToken === '') throw new TypeError('accessToken is required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.authorization = `Bearer ${options.accessToken}`;
    this.tokenPath = options.tokenPath ?? DEFAULT_TOKEN_PATH;
    parseTokenPath(this.tokenPath);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** `POST {baseUrl}/conversations` with the user token in the body; resolves with the chat's conversation id. */
  async startConversation(userToken: string, body: Record<string, unknown> = {}): Promise<{ conversationId: string; body: unknown }> {
    const answer = await this.post('/conversations', userToken, body);
    const id = (answer as { conversation?: { id?: unknown } } | null)?.conversation?.id;
    if (typeof id !== 'string') throw new IngeniousChannelError('inGenious answered without conversation.id');
    return { conversationId: id, body: answer };
  }

  /** `POST {baseUrl}/conversations/{conversationId}/messages` with `message` (as the webhook API defines it) plus the user token. */
  sendMessage(conversationId: string, userToken: string, message: Record<string, unknown>): Promise<unknown> {
    if (typeof conversationId !== 'string' || conversationId === '') throw new TypeError('conversationId is required');
    return this.post(`/conversations/${encodeURIComponent(conversationId)}/messages`, userToken, message);
  }

  private async post(path: string, userToken: string, body: Record<string, unknown>): Promise<unknown> {
    if (typeof userToken !== 'string' || userToken === '') throw new TypeError('the user token is required');
    let response: Response;
    try {
      response = await this.fetch(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: this.authorization, 'content-type': 'application/json' },
        body: JSON.stringify(withUserToken(body, userToken, this.tokenPath)),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new IngeniousChannelError(`inGenious could not be reached (${(error as Error).name})`, undefined, { cause: error });
    }
    if (!response.ok) throw new IngeniousChannelError(`inGenious answered ${response.status}`, response.status);
    const text = await response.text();
    try {
      return text === '' ? {} : (JSON.parse(text) as unknown);
    } catch {
      throw new IngeniousChannelError('inGenious answered with something other than JSON', response.status);
    }
  }
}
