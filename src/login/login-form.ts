/**
 * The POST /login body: an HTML form (application/x-www-form-urlencoded),
 * each field once, each within its size limit. Anything else is a 4xx the
 * login page filter renders as a friendly page.
 */
import { AppError } from '../common/app-error.js';
import { appError } from '../common/error-catalog.js';
import type { LoginFormState } from './form-token.service.js';
import { PASSWORD_MAX, USERNAME_MAX } from './login-pages.js';

export interface LoginForm {
  formToken: string;
  username: string;
  password: string;
  /** Echoed from the page only to brand an error page when the form token is gone; the token's state decides. */
  bot?: string;
  origin?: string;
  mode?: string;
  conversation?: string;
}

const LIMITS: Record<keyof LoginForm, number> = {
  formToken: 64,
  username: USERNAME_MAX,
  password: PASSWORD_MAX,
  bot: 128,
  origin: 512,
  mode: 16,
  conversation: 512,
};
const REQUIRED: Array<keyof LoginForm> = ['formToken', 'username', 'password'];

/** A refused login attempt with what the error page needs to offer a way back. */
export class LoginAttemptError extends Error {
  constructor(
    readonly error: AppError,
    readonly context: { state?: LoginFormState; form?: Partial<LoginForm> },
  ) {
    super(error.message);
    this.name = 'LoginAttemptError';
  }
}

export function parseLoginForm(contentType: string | undefined, body: unknown): LoginForm {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') throw appError('unsupported_media_type');
  if (typeof body !== 'object' || body === null) throw invalidForm();
  const fields = body as Record<string, unknown>;
  const form: Partial<LoginForm> = {};
  for (const name of Object.keys(LIMITS) as Array<keyof LoginForm>) {
    const value = fields[name];
    if (value === undefined) continue;
    // A repeated field arrives as an array: refuse rather than guess which one counts.
    if (typeof value !== 'string' || value.length > LIMITS[name]) throw new LoginAttemptError(invalidForm(), { form: brandingFields(fields) });
    form[name] = value;
  }
  if (REQUIRED.some((name) => form[name] === undefined || form[name] === '')) {
    throw new LoginAttemptError(invalidForm(), { form: brandingFields(fields) });
  }
  return form as LoginForm;
}

function invalidForm(): AppError {
  return new AppError('invalid_request', 'Some of the form was missing or too long. Please start again.', 400, {
    detail: 'the form needs formToken, username and password, each once and within its length limit',
  });
}

/** bot/origin/mode/conversation when they are short plain strings (only used to offer "Start again"). */
function brandingFields(fields: Record<string, unknown>): Partial<LoginForm> {
  const pick = (name: 'bot' | 'origin' | 'mode' | 'conversation') => {
    const value = fields[name];
    return typeof value === 'string' && value.length <= LIMITS[name] ? value : undefined;
  };
  return { bot: pick('bot'), origin: pick('origin'), mode: pick('mode'), conversation: pick('conversation') };
}
