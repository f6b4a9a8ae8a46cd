/** The verify error codes of SPEC.md (see common/error-catalog.ts for status and message). */
import { appError, type ErrorCode } from '../common/error-catalog.js';
import type { AppError } from '../common/app-error.js';

export type TokenErrorCode = Extract<
  ErrorCode,
  | 'token_missing' | 'token_malformed' | 'token_invalid' | 'token_expired' | 'session_revoked' | 'wrong_bot'
  | 'conversation_mismatch' | 'permission_denied' | 'unknown_action' | 'unknown_bot' | 'unknown_role'
>;

/**
 * Every refusal of a token check (verify-token, and the token stage of
 * verify-webhook): the one list the OpenAPI entries and the metrics read.
 */
export const TOKEN_REFUSAL_CODES = [
  'token_missing',
  'token_malformed',
  'token_invalid',
  'token_expired',
  'session_revoked',
  'wrong_bot',
  'conversation_mismatch',
  'permission_denied',
  'unknown_action',
  'unknown_bot',
] as const satisfies readonly TokenErrorCode[];

/** Codes of `POST /v1/verify/token` besides the token refusals: bad input, the API key, the store. */
export const VERIFY_TOKEN_ROUTE_CODES = [
  'invalid_request',
  'unknown_bot',
  'api_key_missing',
  'api_key_invalid',
  'scope_missing',
  'bot_not_allowed',
  'store_unavailable',
] as const satisfies readonly ErrorCode[];

/** `detail` is for the developer or operator (the chat shows `message`); it never quotes the token. */
export function tokenError(code: TokenErrorCode, detail?: string): AppError {
  return appError(code, detail === undefined ? undefined : { detail });
}
