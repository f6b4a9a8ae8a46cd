/**
 * Every error code chatwarden answers — HTTP API, browser pages and CLI —
 * with its status and the message a chat may show the end user. The single
 * source for services (appError), the OpenAPI examples (ApiErrorResponses)
 * and the README table: AppError's code is an ErrorCode, so a code outside
 * this table does not compile. What exactly went wrong, for the developer or
 * operator, goes into `detail` (never a secret, token or credential).
 */
import { AppError, type ErrorDetails } from './app-error.js';

export const ERROR_CATALOG = {
  invalid_request: [400, 'The request is not valid.'],
  unknown_action: [400, 'This action is not configured for this assistant.'],
  unknown_bot: [400, 'This assistant is not configured.'],
  unknown_role: [400, 'One of the roles is not configured.'],
  origin_not_allowed: [400, 'This site is not allowed to use this sign-in page.'],
  form_expired: [400, 'This sign-in form has expired or was already used. Please start again.'],
  body_malformed: [400, 'The webhook body could not be read.'],
  token_field_invalid: [400, 'The token field name is not valid.'],
  webhook_not_configured: [400, 'Webhook verification is not configured for this assistant.'],
  client_ip_required: [400, 'This assistant only accepts webhooks from known addresses: send clientIp.'],
  invalid_username: [400, 'The username is not valid.'],
  invalid_password: [400, 'The password is not valid.'],
  invalid_name: [400, 'The name is not valid.'],
  invalid_scopes: [400, 'The scopes are not valid.'],
  secret_invalid: [400, 'The secret is not valid for this scheme.'],
  secret_not_generated: [400, 'This scheme cannot use a generated secret.'],
  secret_source: [400, 'Say where the secret comes from.'],
  secret_in_config: [400, 'This secret comes from the config file.'],
  activation_too_soon: [400, 'The key would become active too soon.'],
  sso_unknown_provider: [400, 'This sign-in option is not available.'],
  sso_invalid_request: [400, 'This sign-in link is not valid. Please start again from the chat.'],
  sso_flow_invalid: [400, 'This sign-in has expired or was already used. Please start again.'],
  sso_failed: [400, "We couldn't complete the sign-in. Please start again."],
  unauthorized: [401, 'Authentication is required.'],
  identity_not_configured: [400, 'This assistant does not sign in to that chat service.'],
  identity_subject_invalid: [400, "This account can't be signed in to the chat."],
  login_failed: [401, 'The username or password is not correct.'],
  api_key_missing: [401, 'This endpoint needs an API key: Authorization: Bearer <key>.'],
  api_key_invalid: [401, 'The API key is not valid.'],
  scope_missing: [403, 'This API key lacks the scope this endpoint needs.'],
  bot_not_allowed: [403, 'This API key may not act for this assistant.'],
  token_missing: [401, 'Please log in to continue.'],
  token_malformed: [401, "We couldn't confirm who you are. Please log in again."],
  token_invalid: [401, "We couldn't confirm who you are. Please log in again."],
  token_expired: [401, 'Your login has expired. Please log in again.'],
  session_revoked: [401, 'You have been logged out. Please log in again.'],
  wrong_bot: [401, 'This login belongs to a different assistant. Please log in again.'],
  conversation_mismatch: [401, 'This login belongs to another conversation. Please log in again.'],
  forbidden: [403, 'This is not allowed.'],
  sso_cancelled: [403, 'The sign-in was cancelled, so you are not signed in.'],
  permission_denied: [403, "Your account isn't allowed to do that."],
  signature_missing: [401, "We couldn't confirm this request came from the chat service."],
  signature_invalid: [401, "We couldn't confirm this request came from the chat service."],
  timestamp_invalid: [401, "We couldn't confirm this request came from the chat service."],
  replayed: [401, 'This request was already handled.'],
  ip_not_allowed: [403, "We couldn't confirm this request came from the chat service."],
  not_found: [404, 'There is nothing here.'],
  password_login_disabled: [404, 'Password sign-in is not enabled here.'],
  user_not_found: [404, 'No such user.'],
  gateway_not_configured: [404, 'This assistant does not receive webhooks here.'],
  client_not_found: [404, 'No such API client.'],
  secret_not_found: [404, 'No such secret.'],
  key_not_found: [404, 'No such token key.'],
  method_not_allowed: [405, 'This method is not allowed here.'],
  not_acceptable: [406, 'This response format is not available.'],
  user_exists: [409, 'This user already exists.'],
  session_expired: [410, 'The chat conversation has ended. Please start a new one.'],
  key_active: [409, 'This key is the active key.'],
  key_revoked: [409, 'This key is already revoked.'],
  store_not_shared: [409, 'This command needs the store the running service uses.'],
  payload_too_large: [413, 'The request body is too large.'],
  body_too_large: [413, 'The webhook body is larger than allowed.'],
  unsupported_media_type: [415, 'This content type is not accepted here.'],
  too_many_requests: [429, 'Too many requests. Please try again later.'],
  login_locked: [429, 'Too many failed sign-in attempts. Please try again later.'],
  internal_error: [500, 'Something went wrong on our side.'],
  secrets_file_invalid: [500, 'The secrets file cannot be read.'],
  webhook_misconfigured: [500, "This assistant can't check requests right now. Please try again later."],
  chat_api_rejected: [502, "The chat service refused the update."],
  upstream_unavailable: [502, "We can't do that right now. Please try again in a moment."],
  upstream_timeout: [504, "We can't do that right now. Please try again in a moment."],
  sso_provider_error: [502, 'The sign-in service reported a problem. Please try again later.'],
  sso_provider_unavailable: [502, "The sign-in service can't be reached right now. Please try again in a moment."],
  chat_api_unavailable: [503, "The chat service can't be reached right now."],
  identity_unavailable: [503, "The chat sign-in isn't available right now. Please try again later."],
  no_active_key: [503, 'The service cannot issue tokens right now.'],
  signature_keys_unavailable: [503, "We can't check this request right now. Please try again in a moment."],
  directory_unavailable: [503, 'Sign-in is unavailable right now. Please try again in a moment.'],
  store_unavailable: [503, "We can't check your login right now. Please try again in a moment."],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** The error of `code` with the catalog's status and message; `details.detail` says what exactly is wrong. */
export function appError(code: ErrorCode, details?: ErrorDetails): AppError {
  const [status, message] = ERROR_CATALOG[code];
  return new AppError(code, message, status, details);
}

/** Status and end-user message of a code. */
export function catalogEntry(code: ErrorCode): readonly [number, string] {
  return ERROR_CATALOG[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOG, value);
}

const NAME_KINDS = { unknown_bot: 'bot', unknown_action: 'action', unknown_role: 'role' } as const;

/**
 * A name the caller sent that the config does not define. `detail` names it
 * and, when `configured` is given (an authenticated caller: an API key or
 * the operator's CLI), which names exist — never to an anonymous browser.
 */
export function unknownName(code: keyof typeof NAME_KINDS, name: unknown, configured?: readonly string[]): AppError {
  const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 128)) : 'that is not a string';
  const known = configured === undefined ? '' : `; configured: ${configured.join(', ') || 'none'}`;
  return appError(code, { detail: `${NAME_KINDS[code]} ${shown} is not configured${known}` });
}
