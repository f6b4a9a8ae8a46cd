/**
 * JSON Schemas of `POST /v1/verify/token`: Fastify compiles them into the
 * route's validator and serializer, and the OpenAPI document shows the same
 * objects, so the docs cannot drift from what the route accepts.
 */
const NAME = '^[\\w.:@-]{1,128}$';

export const VERIFY_TOKEN_REQUEST = {
  type: 'object',
  additionalProperties: false,
  properties: {
    token: { type: 'string', description: 'The user token as received from the chat', example: 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoiOWYzYyJ9..r5Qx3c8Yb1m9k2Lw.X0hV…tS4.q8nM0Y3m2Jp6Q1x0Vb2h9A' },
    bot: {
      type: 'string',
      pattern: NAME,
      description:
        "The bot the webhook belongs to; another bot's token is `wrong_bot`. Required unless the API key is bound to exactly one bot (then that bot); a bot outside the key's list is `bot_not_allowed`",
      example: 'shop',
    },
    action: { type: 'string', pattern: NAME, description: "Action about to run; its permissions come from the bot's `actions` map", example: 'orders.lookup' },
    permissions: {
      type: 'array',
      maxItems: 64,
      items: { type: 'string', pattern: NAME },
      description: 'Permissions the action needs (added to those of `action`)',
      example: ['orders:read'],
    },
    conversationId: {
      type: 'string',
      maxLength: 256,
      description: 'Conversation the webhook runs in; a token bound to another is `conversation_mismatch` (and, for a bot with `requireConversation`, so is a verify without it or a token bound to none)',
    },
  },
} as const;

export const VERIFIED_TOKEN_RESPONSE = {
  type: 'object',
  required: ['valid', 'subject', 'bot', 'sessionId', 'permissions', 'authMethod', 'expiresAt'],
  properties: {
    valid: { type: 'boolean', example: true },
    subject: { type: 'string', example: 'alice' },
    bot: { type: 'string', example: 'shop' },
    sessionId: { type: 'string', example: 'pQ2m9xY0aB3' },
    permissions: { type: 'array', items: { type: 'string' }, example: ['account:read', 'orders:read'] },
    authMethod: { type: 'string', enum: ['pwd', 'sso', 'trusted'], example: 'pwd' },
    expiresAt: { type: 'string', format: 'date-time', example: '2026-11-22T10:15:00.000Z' },
    conversationId: { type: 'string' },
  },
} as const;

export interface VerifyTokenRequest {
  token?: string;
  bot?: string;
  action?: string;
  permissions?: string[];
  conversationId?: string;
}
