/**
 * The Chat API port: stores a value in a hidden variable of one live chat
 * conversation, server to server (SPEC.md step 3). One adapter per vendor
 * implements it; ChatApiRegistry picks the adapter named by `bots.*.chat.vendor`.
 *
 * Contract, for every adapter:
 * - `setVariable` resolves once the vendor confirmed the write; it is safe to
 *   call again with the same value (the write is idempotent), which is what
 *   refreshing a user token does;
 * - `clearVariable` overwrites the value with an empty string (vendors have
 *   no "delete variable" call, and an empty token fails verification);
 * - every failure rejects with ChatApiError, whose message and properties
 *   never contain the value, the session token, the API key, the secret or
 *   the vendor's access token.
 */
import { AppError } from '../common/app-error.js';
import { ERROR_CATALOG } from '../common/error-catalog.js';

/** The `bots.*.chat` block with its secrets already resolved to strings. */
export interface ChatConfig {
  /** Which adapter handles this bot, e.g. `inbenta`. */
  readonly vendor: string;
  /** The chat variable that holds the user token, e.g. `user_token`. */
  readonly variable: string;
  readonly apiKey: string;
  readonly secret: string;
  /** Base URL of the vendor's authentication API; each adapter has its default. */
  readonly authUrl?: string;
}

export interface SetChatVariableRequest {
  readonly chat: ChatConfig;
  /** The conversation's session token, as the chat widget knows it. */
  readonly sessionToken: string;
  /** Variable name; defaults to `chat.variable`. */
  readonly name?: string;
  readonly value: string;
}

export type ClearChatVariableRequest = Omit<SetChatVariableRequest, 'value'>;

export abstract class ChatApi {
  abstract setVariable(request: SetChatVariableRequest): Promise<void>;

  abstract clearVariable(request: ClearChatVariableRequest): Promise<void>;
}

/** Transport settings shared by every adapter; the defaults suit production. */
export interface ChatApiOptions {
  /** Per HTTP request, headers and body included. Default 5000. */
  readonly timeoutMs?: number;
  /** Tries per HTTP request on 5xx, network errors and timeouts. Default 3. */
  readonly maxAttempts?: number;
  /** First retry waits about this long, doubling each time (with jitter). Default 200. */
  readonly baseDelayMs?: number;
  /** Upper bound of one backoff wait. Default 2000. */
  readonly maxDelayMs?: number;
  /** Renew a vendor access token this long before it expires (at most a quarter of its lifetime). Default 60000. */
  readonly refreshMarginMs?: number;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  readonly now?: () => number;
  /** Uniform in [0, 1); injectable so tests can pin the jitter. */
  readonly random?: () => number;
}

export type ChatApiErrorCode = 'session_expired' | 'chat_api_unavailable' | 'chat_api_rejected';

// session_expired (410): the conversation named by the session token is gone; the widget must start a new one.
// chat_api_rejected (502): the vendor refused the call (credentials, variable name, unexpected answer).
// chat_api_unavailable (503): timeouts, network errors, 5xx, rate limiting, unreadable answers.
// Statuses come from the error catalog like every other code.

/**
 * A failed Chat API call. `message` describes what happened (HTTP status,
 * vendor error code, number of attempts) and is built only from values that
 * carry no secret; vendor error texts are left out because they may echo
 * what was sent.
 */
export class ChatApiError extends AppError {
  declare readonly code: ChatApiErrorCode;

  constructor(
    code: ChatApiErrorCode,
    message: string,
    /** HTTP status the vendor answered with, when there was an answer. */
    readonly upstreamStatus?: number,
  ) {
    super(code, message, ERROR_CATALOG[code][0]);
    this.name = 'ChatApiError';
  }
}
