/**
 * What every framework adapter (node:http/Express middleware, Fastify plugin,
 * NestJS guard) does with a received webhook: ask chatwarden, then either let
 * the handler run or answer the vendor. The adapters only read the request
 * and write the answer.
 *
 * Answers on refusal:
 * - with `reply` set and a vendor reply built: 200 and the vendor-shaped body,
 *   so the chat shows the message ("Please log in again…");
 * - otherwise chatwarden's status and `{ error, message, requestId }`;
 * - chatwarden unreachable: 503 `chatwarden_unavailable` (fail closed).
 * A subscription handshake (a challenge to echo) carries no user: the
 * middleware and the Fastify plugin answer it, the NestJS guard lets the
 * handler return `verification.challenge`.
 */
import { ChatwardenUnavailableError, type ChatwardenClient } from './chatwarden.client.js';
import type { ReplyVendor, VerifiedWebhook, WebhookRefusal } from './client-types.js';
import { forwardWebhook, type ReceivedWebhook } from './forwarded-webhook.js';

export interface WebhookOptions {
  client: ChatwardenClient;
  /** The bot (config `bots.<id>`) whose webhook this is. */
  bot: string;
  /** The action about to run, or a function that finds it in the request (e.g. from the path). */
  action?: string | ((received: ReceivedWebhook) => string | undefined);
  permissions?: string[];
  /** Where the user token is in the body; default the bot's `webhook.tokenField`, else `user_token`. */
  tokenField?: string;
  /** The conversation the webhook runs in, when the handler knows it. */
  conversationId?: (received: ReceivedWebhook) => string | undefined;
  /** Answer refusals in this vendor's webhook reply format. */
  reply?: ReplyVendor;
  /** The origin vendors call (`https://bot.example.com`), when a proxy hides it and the scheme signs the URL. */
  publicUrl?: string;
  /** Largest webhook body read. Default 384 KiB (what fits chatwarden's request limit as base64). */
  maxBodyBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 384 * 1024;

export type WebhookDecision =
  /** Signature, token and permissions are good: run the handler. */
  | { kind: 'run'; verification: VerifiedWebhook }
  /** A vendor's subscription handshake: answer 200 with exactly `challenge`, as text. */
  | { kind: 'handshake'; verification: VerifiedWebhook; challenge: string }
  /** Refused: answer `status` with the JSON `body`. */
  | { kind: 'refuse'; status: number; body: Record<string, unknown>; refusal?: WebhookRefusal };

export async function decideWebhook(options: WebhookOptions, received: ReceivedWebhook): Promise<WebhookDecision> {
  const action = typeof options.action === 'function' ? options.action(received) : options.action;
  const conversationId = options.conversationId?.(received);
  let result: VerifiedWebhook | WebhookRefusal;
  try {
    result = await options.client.verifyWebhook({
      bot: options.bot,
      ...forwardWebhook(received),
      ...(action !== undefined && { action }),
      ...(options.permissions !== undefined && { permissions: options.permissions }),
      ...(options.tokenField !== undefined && { tokenField: options.tokenField }),
      ...(conversationId !== undefined && { conversationId }),
      ...(options.reply !== undefined && { reply: options.reply }),
    });
  } catch (error) {
    if (!(error instanceof ChatwardenUnavailableError)) throw error;
    return { kind: 'refuse', status: 503, body: { error: error.code, message: "We can't check this request right now. Please try again in a moment." } };
  }
  if (result.valid) {
    return result.challenge !== undefined ? { kind: 'handshake', verification: result, challenge: result.challenge } : { kind: 'run', verification: result };
  }
  if (result.vendorReply !== undefined) return { kind: 'refuse', status: 200, body: result.vendorReply, refusal: result };
  const body: Record<string, unknown> = { error: result.error, message: result.message };
  if (result.requestId !== undefined) body.requestId = result.requestId;
  return { kind: 'refuse', status: result.status, body, refusal: result };
}

/** The refusal for a body over `maxBodyBytes`, in the same shape as chatwarden's. */
export function bodyTooLarge(): WebhookDecision & { kind: 'refuse' } {
  return { kind: 'refuse', status: 413, body: { error: 'payload_too_large', message: 'The request body is too large.' } };
}
