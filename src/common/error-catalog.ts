/**
 * Every error code the HTTP API can answer, with its status and the message a
 * chat may show the end user. The single source for services (appError), the
 * OpenAPI examples (ApiErrorResponses) and the README table.
 */
import { AppError } from './app-error.js';

export const ERROR_CATALOG = {
  invalid_request: [400, 'The request is not valid.'],
  unknown_action: [400, 'This action is not configured for this assistant.'],
  unknown_bot: [400, 'This assistant is not configured.'],
  unknown_role: [400, 'One of the roles is not configured.'],
  origin_not_allowed: [400, 'This site is not allowed to use this sign-in page.'],
  form_expired: [400, 'This sign-in form has expired or was already used. Please start again.'],
  request_invalid: [400, 'The webhook request is malformed.'],
  body_malformed: [400, 'The webhook body could not be read.'],
  token_field_invalid: [400, 'The token field name is not valid.'],
  webhook_not_configured: [400, 'Webhook verification is not configured for this assistant.'],
  client_ip_required: [400, 'This assistant only accepts webhooks from known addresses: send clientIp.'],
  login_failed: [401, 'The username or password is not correct.'],
  api_key_missing: [401, 'This endpoint needs an API key: Authorization: Bearer <key>.'],
  api_key_invalid: [401, 'The API key is not valid.'],
  scope_missing: [403, 'This API key lacks the scope this endpoint needs.'],
  token_missing: [401, 'Please log in to continue.'],
  token_malformed: [401, "We couldn't confirm who you are. Please log in again."],
  token_invalid: [401, "We couldn't confirm who you are. Please log in again."],
  token_expired: [401, 'Your login has expired. Please log in again.'],
  session_revoked: [401, 'You have been logged out. Please log in again.'],
  wrong_bot: [401, 'This login belongs to a different assistant. Please log in again.'],
  conversation_mismatch: [401, 'This login belongs to another conversation. Please log in again.'],
  permission_denied: [403, "Your account isn't allowed to do that."],
  signature_missing: [401, "We couldn't confirm this request came from the chat service."],
  signature_invalid: [401, "We couldn't confirm this request came from the chat service."],
  timestamp_invalid: [401, "We couldn't confirm this request came from the chat service."],
  replayed: [401, 'This request was already handled.'],
  ip_not_allowed: [403, "We couldn't confirm this request came from the chat service."],
  payload_too_large: [413, 'The request body is too large.'],
  body_too_large: [413, 'The webhook body is larger than allowed.'],
  unsupported_media_type: [415, 'This content type is not accepted here.'],
  too_many_requests: [429, 'Too many requests. Please try again later.'],
  login_locked: [429, 'Too many failed sign-in attempts. Please try again later.'],
  internal_error: [500, 'Something went wrong on our side.'],
  webhook_misconfigured: [500, "This assistant can't check requests right now. Please try again later."],
  no_active_key: [503, 'The service cannot issue tokens right now.'],
  signature_keys_unavailable: [503, "We can't check this request right now. Please try again in a moment."],
  directory_unavailable: [503, 'Sign-in is unavailable right now. Please try again in a moment.'],
  store_unavailable: [503, "We can't check your login right now. Please try again in a moment."],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export function appError(code: ErrorCode, details?: Record<string, unknown>): AppError {
  const [status, message] = ERROR_CATALOG[code];
  return new AppError(code, message, status, details);
}
