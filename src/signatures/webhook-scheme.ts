/**
 * The `webhook.scheme` names of VENDORS.md ("Inbound webhook schemes"). The
 * list is part of the config contract: adding a scheme means adding a
 * verifier under `schemes/` and registering it in `verifier-registry.ts`.
 */
export const WEBHOOK_SCHEMES = [
  'chatbase',
  'convokraft',
  'ingenious',
  'chatbotcom',
  'inbenta',
  'standard-webhooks',
  'slack',
  'meta',
  'zendesk',
  'intercom',
  'twilio',
  'freshchat',
  'botframework',
  'hmac',
] as const;

export type WebhookScheme = (typeof WEBHOOK_SCHEMES)[number];

export function isWebhookScheme(value: unknown): value is WebhookScheme {
  return typeof value === 'string' && (WEBHOOK_SCHEMES as readonly string[]).includes(value);
}
