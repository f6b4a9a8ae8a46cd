/**
 * `POST /v1/verify/signature`: the fields, their limits and their docs, and
 * the JSON Schemas that Fastify compiles into the route's validator and
 * serializer. The route is on every webhook's path, so it skips Nest's
 * pipeline (see verify-signature.route.ts); the DTO of `dto/` declares the
 * same fields from these constants for `/v1/verify/webhook`, and
 * `verify-signature.schema.spec.ts` holds both to the same inputs.
 *
 * The whole request is capped by the app's body limit (512 KiB), so a
 * webhook body can be up to about 500 KiB as `body` text or 380 KiB as
 * `bodyBase64`; `webhook.maxBodyBytes` can lower that per bot.
 */
import { HEADER_NAME } from './webhook-config.dto.js';
import { WEBHOOK_SCHEMES } from './webhook-scheme.js';

export const BOT_NAME = /^[\w.:@-]{1,128}$/;
export const METHOD = /^[A-Za-z]{1,16}$/;
export const MAX_HEADERS = 100;
export const MAX_HEADER_REPEATS = 16;
export const MAX_HEADER_VALUE = 16 * 1024;
export const MAX_URL = 8192;

const EXAMPLE_BODY = '{"eventType":"leads.submit","chatbotId":"cb-42","payload":{"conversationId":"c-7","customerEmail":"ana@example.com"}}';

/** Description and example of each request field, shared by the JSON Schema and the DTO. */
export const SIGNATURE_FIELD_DOCS = {
  bot: { description: "The bot whose webhook received the request; an API key bound to other bots gets 403 bot_not_allowed", example: 'shop' },
  method: { description: 'Method of the received request; default POST (GET for subscription handshakes)', example: 'POST' },
  url: {
    description: 'The full URL the vendor called, query included: Twilio signs it, and handshakes (ChatBot.com, Meta) carry their challenge in it',
    example: 'https://bot.example.com/webhooks/shop',
  },
  headers: {
    description: 'The headers as received, names in any case. A header received several times is an array (security headers received twice are refused).',
    example: { 'content-type': 'application/json', 'x-chatbase-signature': '5b0f1e3c4a7d9e2f8b6a1c0d3e4f5a6b7c8d9e0f' },
  },
  body: {
    description: 'The body exactly as received, when it is UTF-8 text (JSON, form). Never re-serialize it: signatures cover the bytes. Give this or bodyBase64 (a GET handshake may give neither).',
    example: EXAMPLE_BODY,
  },
  bodyBase64: {
    description: 'The body as padded base64 (RFC 4648 section 4), for binary bodies or any bytes that are not UTF-8. Give this or body.',
    example: Buffer.from(EXAMPLE_BODY).toString('base64'),
  },
  clientIp: {
    description:
      "The address the vendor's request came from, as your handler's socket saw it (Node: req.socket.remoteAddress). Required when the bot has allowIps. When it is one of the trustProxy addresses, the X-Forwarded-For among headers is followed past them.",
    example: '203.0.113.7',
  },
} as const;

const headerValue = { type: 'string', maxLength: MAX_HEADER_VALUE } as const;

export const SIGNATURE_INPUT_PROPERTIES = {
  bot: { type: 'string', pattern: BOT_NAME.source, ...SIGNATURE_FIELD_DOCS.bot },
  method: { type: 'string', pattern: METHOD.source, ...SIGNATURE_FIELD_DOCS.method },
  url: { type: 'string', maxLength: MAX_URL, ...SIGNATURE_FIELD_DOCS.url },
  headers: {
    type: 'object',
    maxProperties: MAX_HEADERS,
    propertyNames: { pattern: HEADER_NAME.source },
    additionalProperties: { anyOf: [headerValue, { type: 'array', minItems: 1, maxItems: MAX_HEADER_REPEATS, items: headerValue }] },
    ...SIGNATURE_FIELD_DOCS.headers,
  },
  body: { type: 'string', ...SIGNATURE_FIELD_DOCS.body },
  bodyBase64: { type: 'string', ...SIGNATURE_FIELD_DOCS.bodyBase64 },
  clientIp: { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }], ...SIGNATURE_FIELD_DOCS.clientIp },
} as const;

export const VERIFY_SIGNATURE_REQUEST = {
  type: 'object',
  additionalProperties: false,
  required: ['bot', 'headers'],
  properties: SIGNATURE_INPUT_PROPERTIES,
} as const;

export const SIGNATURE_VERIFICATION_RESPONSE = {
  type: 'object',
  required: ['valid', 'scheme', 'secretId'],
  properties: {
    valid: { type: 'boolean', example: true },
    scheme: { type: 'string', enum: WEBHOOK_SCHEMES, example: 'chatbase' },
    secretId: { type: 'string', description: 'Which live secret or key matched (never the secret): config-0, cli-…, public-key, token', example: 'config-0' },
    eventId: { type: 'string', description: "The vendor's signed delivery id, when the scheme has one (used for replay detection)", example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' },
    challenge: {
      type: 'string',
      description: 'Present for a subscription handshake: answer the vendor with exactly this text (status 200, text/plain)',
      example: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    },
  },
} as const;
