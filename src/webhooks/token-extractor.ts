/**
 * Finds the user token in a webhook body that has already passed signature
 * verification (SPEC.md, `/v1/verify/webhook`, `tokenField`):
 * - JSON bodies: a dotted path, e.g. `user_token` or `attributes.user_token`
 *   (ChatBot.com keeps chat variables under `attributes`, ConvoKraft under
 *   `params`); numeric segments index arrays (`events.0.payload.token`);
 * - `application/x-www-form-urlencoded` bodies (Inbenta action webhooks send
 *   one field per action parameter): the field named `tokenField`.
 * Only own properties are followed, so `__proto__`-style paths find nothing.
 * A body that cannot be read as its content type is a 400; a token that is
 * simply not there is `undefined`, for the caller to report `token_missing`.
 */
import { AppError } from '../common/app-error.js';
import { appError, ERROR_CATALOG } from '../common/error-catalog.js';

const MAX_PATH_SEGMENTS = 16;
const FIELD_PATH = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;

/** Where the token is looked for when neither the request nor the bot's `webhook.tokenField` says. */
export const DEFAULT_TOKEN_FIELD = 'user_token';

export class WebhookBodyError extends AppError {
  /** `detail` (what could not be read) is the developer's, in the error body. */
  constructor(detail: string) {
    super('body_malformed', ERROR_CATALOG.body_malformed[1], ERROR_CATALOG.body_malformed[0], { detail });
    this.name = 'WebhookBodyError';
  }
}

/** True when `field` is a dotted path or form field name that extractToken accepts. */
export function isTokenField(field: string): boolean {
  return FIELD_PATH.test(field) && field.split('.').length <= MAX_PATH_SEGMENTS;
}

export type BodyFormat = 'json' | 'form';

/** The body format from its Content-Type; without one, a body starting with `{` or `[` is JSON, anything else a form. */
export function bodyFormat(contentType: string | undefined, body: Buffer): BodyFormat {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  if (mediaType === 'application/json' || mediaType?.endsWith('+json')) return 'json';
  if (mediaType) throw new WebhookBodyError(`unsupported content type ${mediaType}`);
  const first = body.toString('utf8').trimStart()[0];
  return first === '{' || first === '[' ? 'json' : 'form';
}

function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new WebhookBodyError('body is not UTF-8');
  }
}

function fromJson(text: string, path: string[]): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new WebhookBodyError('body is not valid JSON');
  }
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    if (Array.isArray(value)) {
      if (!/^\d+$/.test(segment)) return undefined;
      value = value[Number(segment)];
    } else {
      value = Object.hasOwn(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
    }
  }
  return value;
}

function fromForm(text: string, field: string): string | undefined {
  const values = new URLSearchParams(text).getAll(field);
  if (values.length > 1) throw new WebhookBodyError(`form field ${field} appears more than once`);
  return values[0];
}

/**
 * The non-empty string at `tokenField` in `body`, or undefined when absent
 * or not a string.
 */
export function extractToken(body: Buffer, contentType: string | undefined, tokenField: string): string | undefined {
  if (!isTokenField(tokenField)) throw appError('token_field_invalid');
  const text = decodeUtf8(body);
  const value = bodyFormat(contentType, body) === 'form' ? fromForm(text, tokenField) : fromJson(text, tokenField.split('.'));
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
