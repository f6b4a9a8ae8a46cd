/**
 * chatwarden's client for webhook handlers (`chatwarden/client`): the verify
 * API and a node:http / Connect / Express middleware. The Fastify plugin and
 * the NestJS guard are `chatwarden/client/fastify` and
 * `chatwarden/client/nestjs`, so this entry needs neither framework.
 */
export { ChatwardenClient, ChatwardenUnavailableError, type ChatwardenClientOptions } from './chatwarden.client.js';
export type * from './client-types.js';
export { forwardWebhook, headersOf, parseBody, urlOf, type ReceivedWebhook } from './forwarded-webhook.js';
export { decideWebhook, type WebhookDecision, type WebhookOptions } from './webhook-decision.js';
export { webhookMiddleware, type NextFunction, type WebhookRequest } from './webhook.middleware.js';
export { IngeniousChannel, IngeniousChannelError, withUserToken, type IngeniousChannelOptions } from './ingenious-channel.js';
export { AssertionError, ASSERTION_HEADER, verifyAssertion, type AssertedUser, type AssertionErrorCode, type AssertionOptions, type HeadersLike } from './assertion.js';
export { assertionHook, assertionMiddleware, type AssertedRequest } from './assertion.middleware.js';
