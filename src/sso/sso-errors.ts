/**
 * Why an SSO flow stopped, as the user sees it. These end as HTML pages in
 * the login popup (never JSON); status and message come from the error
 * catalog like every other code, the page title from here; the code goes to
 * the audit line, the message to the page. Messages never carry provider
 * text: an attacker can write anything into a callback URL's
 * `error_description`.
 */
import { AppError } from '../common/app-error.js';
import { ERROR_CATALOG } from '../common/error-catalog.js';
import type { LoginMode } from '../login/login-pages.js';

/** The page title of each SSO code. */
export const SSO_ERRORS = {
  sso_unknown_provider: 'Sign-in unavailable',
  sso_invalid_request: 'Sign-in unavailable',
  sso_flow_invalid: 'Sign-in expired',
  sso_cancelled: 'Sign-in cancelled',
  sso_failed: "We couldn't sign you in",
  sso_provider_error: "We couldn't sign you in",
  sso_provider_unavailable: 'Sign-in unavailable',
} as const satisfies Partial<Record<keyof typeof ERROR_CATALOG, string>>;

export type SsoErrorCode = keyof typeof SSO_ERRORS;

/** What is known about the flow when it failed: brands the page and offers a way back. */
export interface SsoFailureContext {
  provider?: string;
  bot?: string;
  origin?: string;
  mode?: LoginMode;
  conversation?: string;
}

export class SsoError extends AppError {
  readonly title: string;

  constructor(
    code: SsoErrorCode,
    readonly context: SsoFailureContext = {},
    /** For the operator's log only (never shown): what exactly went wrong. */
    readonly reason?: string,
  ) {
    const [status, message] = ERROR_CATALOG[code];
    super(code, message, status);
    this.name = 'SsoError';
    this.title = SSO_ERRORS[code];
  }
}
