/**
 * Why an SSO flow stopped, as the user sees it. These end as HTML pages in
 * the login popup (never JSON), so they live here rather than in the API
 * error catalog; the code goes to the audit line, the message to the page.
 * Messages never carry provider text: an attacker can write anything into a
 * callback URL's `error_description`.
 */
import { AppError } from '../common/app-error.js';
import type { LoginMode } from '../login/login-pages.js';

export const SSO_ERRORS = {
  sso_unknown_provider: [400, 'Sign-in unavailable', 'This sign-in option is not available.'],
  sso_invalid_request: [400, 'Sign-in unavailable', 'This sign-in link is not valid. Please start again from the chat.'],
  sso_flow_invalid: [400, 'Sign-in expired', 'This sign-in has expired or was already used. Please start again.'],
  sso_cancelled: [403, 'Sign-in cancelled', 'The sign-in was cancelled, so you are not signed in.'],
  sso_failed: [400, "We couldn't sign you in", "We couldn't complete the sign-in. Please start again."],
  sso_provider_error: [502, "We couldn't sign you in", 'The sign-in service reported a problem. Please try again later.'],
  sso_provider_unavailable: [502, 'Sign-in unavailable', "The sign-in service can't be reached right now. Please try again in a moment."],
} as const satisfies Record<string, readonly [number, string, string]>;

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
    const [status, title, message] = SSO_ERRORS[code];
    super(code, message, status);
    this.name = 'SsoError';
    this.title = title;
  }
}
