/**
 * A small client for chatwarden's verify API, for webhook handlers on Node
 * (20.11 or later: global fetch, AbortSignal.timeout). No dependencies.
 *
 * Refusals are values, not exceptions: every method resolves with
 * `{ valid: true, … }` or `{ valid: false, status, error, message }`. Only
 * when chatwarden cannot be asked at all (network, timeout, an answer that is
 * not chatwarden's) does a call reject, with ChatwardenUnavailableError —
 * a handler must then refuse the action too (fail closed).
 */
import type {
  Refusal,
  VerifiedSignature,
  VerifiedUser,
  VerifiedWebhook,
  VerifySignatureRequest,
  VerifyTokenRequest,
  VerifyWebhookRequest,
  WebhookRefusal,
} from './client-types.js';

export interface ChatwardenClientOptions {
  /** Where chatwarden answers, e.g. `https://auth.example.com` or `http://chatwarden:3000`. */
  baseUrl: string;
  /** An API key with the `verify` scope (`chatwarden clients add NAME --scopes verify`). */
  apiKey: string;
  /** Per call. Default 5000. */
  timeoutMs?: number;
  /** A fetch implementation; default the global one. */
  fetch?: typeof fetch;
}

/** chatwarden could not be asked, or did not answer like chatwarden. The message carries no credential. */
export class ChatwardenUnavailableError extends Error {
  readonly code = 'chatwarden_unavailable';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChatwardenUnavailableError';
  }
}

const DEFAULT_TIMEOUT_MS = 5000;

export class ChatwardenClient {
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: ChatwardenClientOptions) {
    if (!/^https?:\/\//.test(options.baseUrl)) throw new TypeError('baseUrl must be an http:// or https:// URL');
    if (typeof options.apiKey !== 'string' || options.apiKey === '') throw new TypeError('apiKey is required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.authorization = `Bearer ${options.apiKey}`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** `POST /v1/verify/token`: is this user token good for this bot, conversation and action? */
  verifyToken(request: VerifyTokenRequest): Promise<VerifiedUser | Refusal> {
    return this.post<VerifiedUser, Refusal>('/v1/verify/token', request);
  }

  /** `POST /v1/verify/signature`: did this webhook really come from the bot's chat vendor? */
  verifySignature(request: VerifySignatureRequest): Promise<VerifiedSignature | Refusal> {
    return this.post<VerifiedSignature, Refusal>('/v1/verify/signature', request);
  }

  /** `POST /v1/verify/webhook`: the signature, then the user token in the body, then the action's permissions. */
  verifyWebhook(request: VerifyWebhookRequest): Promise<VerifiedWebhook | WebhookRefusal> {
    return this.post<VerifiedWebhook, WebhookRefusal>('/v1/verify/webhook', request);
  }

  private async post<T extends { valid: true }, R extends Refusal>(path: string, payload: object): Promise<T | R> {
    let response: Response;
    try {
      response = await this.fetch(this.baseUrl + path, {
        method: 'POST',
        headers: { authorization: this.authorization, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const reason = (error as Error)?.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : 'the request failed';
      throw new ChatwardenUnavailableError(`chatwarden at ${this.baseUrl}: ${reason}`, { cause: error });
    }
    let answer: unknown;
    try {
      answer = await response.json();
    } catch (error) {
      throw new ChatwardenUnavailableError(`chatwarden at ${this.baseUrl} answered ${response.status} without JSON`, { cause: error });
    }
    const body = answer as Record<string, unknown> | null;
    if (response.ok && body?.valid === true) return body as T;
    if (!response.ok && typeof body?.error === 'string' && typeof body.message === 'string') {
      return { ...body, valid: false, status: response.status } as unknown as R;
    }
    throw new ChatwardenUnavailableError(`chatwarden at ${this.baseUrl} answered ${response.status} with an unexpected body`);
  }
}
