/**
 * The shapes of chatwarden's verify API (SPEC.md "HTTP API", the OpenAPI
 * document at /docs), as a webhook handler sees them. Every answer has
 * `valid`: true for a pass, false for a refusal with a machine `error` code
 * and a `message` that is safe to show the end user in the chat.
 */

/** Vendors whose webhook reply format chatwarden can build (`reply` of /v1/verify/webhook). */
export type ReplyVendor = 'inbenta' | 'chatbotcom' | 'convokraft';

export type AuthMethod = 'pwd' | 'sso' | 'trusted';

export interface VerifyTokenRequest {
  token: string;
  /**
   * The bot the webhook belongs to; a token of another bot is `wrong_bot`.
   * Required unless the API key is bound to exactly one bot (`clients add --bots`).
   */
  bot?: string;
  /** The action about to run; its permissions come from the bot's `actions` map. */
  action?: string;
  permissions?: string[];
  /** The conversation the webhook runs in; a token bound to another one is `conversation_mismatch`. */
  conversationId?: string;
}

export interface VerifiedUser {
  valid: true;
  subject: string;
  bot: string;
  sessionId: string;
  permissions: string[];
  authMethod: AuthMethod;
  expiresAt: string;
  conversationId?: string;
}

/**
 * A refusal. `status` is the HTTP status chatwarden answered: 4xx means the
 * request or the user is refused (log in again, not allowed, forged
 * signature…); 5xx means chatwarden cannot decide right now
 * (`store_unavailable`) — fail closed and let the user retry.
 */
export interface Refusal {
  valid: false;
  status: number;
  error: string;
  message: string;
  /** What exactly is wrong, for you as the developer (a field, an unknown bot name); not for the chat. */
  detail?: string;
  requestId?: string;
}

/** A received webhook as the handler forwards it: the body exactly as received (SPEC.md "Security rules"). */
export interface ForwardedWebhook {
  method?: string;
  /** The full URL the vendor called, query included (Twilio signs it; handshakes carry their challenge in it). */
  url?: string;
  headers: Record<string, string | string[]>;
  /** The body when its bytes are UTF-8 text; otherwise `bodyBase64`. */
  body?: string;
  bodyBase64?: string;
  /** The address the request came from, as the handler's socket saw it (needed when the bot has `allowIps`). */
  clientIp?: string;
}

export interface VerifySignatureRequest extends ForwardedWebhook {
  bot: string;
}

export interface VerifyWebhookRequest extends VerifySignatureRequest {
  /** Where the user token is in the body: `user_token`, `attributes.user_token`, a form field… */
  tokenField?: string;
  action?: string;
  permissions?: string[];
  conversationId?: string;
  /** On a refusal, also answer `vendorReply`: the body to send the vendor so the chat shows the message. */
  reply?: ReplyVendor;
}

export interface VerifiedSignature {
  valid: true;
  scheme: string;
  /** Which live secret or key matched (never the secret). */
  secretId: string;
  eventId?: string;
  /** A subscription handshake: answer the vendor with exactly this text. */
  challenge?: string;
}

export interface VerifiedWebhook {
  valid: true;
  signature: VerifiedSignature;
  /** null for a vendor handshake, which carries no user. */
  token: VerifiedUser | null;
  challenge?: string;
}

export interface WebhookRefusal extends Refusal {
  /** Which step failed. */
  stage?: 'signature' | 'token';
  /** What each step concluded (`token` is null when the token step was not reached). */
  signature?: VerifiedSignature | { valid: false; error: string; message: string };
  token?: VerifiedUser | { valid: false; error: string; message: string } | null;
  /** With `reply`: the body to send back to the vendor, with status 200. */
  vendorReply?: Record<string, unknown>;
}
