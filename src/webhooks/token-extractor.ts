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
 * The conversation id (`webhook.conversationField`) is read the same way.
 *
 * Ambiguous bodies are refused (400 `body_malformed`), whichever format: a
 * form field that is read and appears twice, and a JSON object with a key
 * twice anywhere. Parsers disagree on which duplicate wins (JSON.parse keeps
 * the last, others the first), so the handler could act on another value
 * than the one checked here; genuine vendors never send either.
 */
import { visit } from 'jsonc-parser';
import { AppError } from '../common/app-error.js';
import { appError, ERROR_CATALOG } from '../common/error-catalog.js';

const MAX_PATH_SEGMENTS = 16;
const FIELD_PATH = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;

/** Where the token is looked for when neither the request nor the bot's `webhook.tokenField` says. */
export const DEFAULT_TOKEN_FIELD = 'user_token';

/** The body cannot be read; `detail` says why (it never quotes a value from the body). */
export class WebhookBodyError extends AppError {
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

/** Longest key name quoted in a `detail`. */
const MAX_QUOTED_KEY = 64;

/** Throws when an object of `text` (valid JSON) has a key twice; keys compare as decoded, so `"a"` and `"\u0061"` are one. */
function refuseDuplicateKeys(text: string): void {
  const open: Array<Set<string>> = [];
  visit(text, {
    onObjectBegin: () => {
      open.push(new Set());
    },
    onObjectEnd: () => {
      open.pop();
    },
    onObjectProperty: (key) => {
      const keys = open[open.length - 1];
      if (keys.has(key)) {
        const shown = key.length > MAX_QUOTED_KEY ? `${key.slice(0, MAX_QUOTED_KEY)}…` : key;
        throw new WebhookBodyError(`JSON key ${JSON.stringify(shown)} appears more than once in one object`);
      }
      keys.add(key);
    },
  });
}

function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new WebhookBodyError('body is not valid JSON');
  }
  refuseDuplicateKeys(text);
  return value;
}

function atPath(parsed: unknown, path: string[]): unknown {
  let value = parsed;
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

export interface WebhookFields {
  /** The non-empty string at `tokenField`, trimmed. */
  token?: string;
  /** The non-empty string (or whole number, as text) at `conversationField`. */
  conversationId?: string;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Some vendors number their conversations; a token's `conv` is text, so a whole number is compared as its digits. */
function conversationValue(value: unknown): string | undefined {
  return Number.isSafeInteger(value) ? String(value) : nonEmptyString(value);
}

/**
 * Reads the token (and, with `conversationField`, the conversation id) from
 * `body`, parsing it once. A field that is absent or of another type is undefined.
 */
export function readWebhookFields(
  body: Buffer,
  contentType: string | undefined,
  tokenField: string,
  conversationField?: string,
): WebhookFields {
  if (!isTokenField(tokenField)) throw appError('token_field_invalid');
  if (conversationField !== undefined && !isTokenField(conversationField)) throw appError('token_field_invalid');
  const text = decodeUtf8(body);
  if (bodyFormat(contentType, body) === 'form') {
    return {
      token: nonEmptyString(fromForm(text, tokenField)),
      conversationId: conversationField === undefined ? undefined : nonEmptyString(fromForm(text, conversationField)),
    };
  }
  const parsed = parseJson(text);
  return {
    token: nonEmptyString(atPath(parsed, tokenField.split('.'))),
    conversationId: conversationField === undefined ? undefined : conversationValue(atPath(parsed, conversationField.split('.'))),
  };
}

/**
 * The non-empty string at `tokenField` in `body`, or undefined when absent
 * or not a string.
 */
export function extractToken(body: Buffer, contentType: string | undefined, tokenField: string): string | undefined {
  return readWebhookFields(body, contentType, tokenField).token;
}
