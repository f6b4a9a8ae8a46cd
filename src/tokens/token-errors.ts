/** The verify error codes of SPEC.md (see common/error-catalog.ts for status and message). */
import { appError, type ErrorCode } from '../common/error-catalog.js';
import type { AppError } from '../common/app-error.js';

export type TokenErrorCode = Extract<
  ErrorCode,
  | 'token_missing' | 'token_malformed' | 'token_invalid' | 'token_expired' | 'session_revoked' | 'wrong_bot'
  | 'conversation_mismatch' | 'permission_denied' | 'unknown_action' | 'unknown_bot' | 'unknown_role'
>;

export function tokenError(code: TokenErrorCode): AppError {
  return appError(code);
}
