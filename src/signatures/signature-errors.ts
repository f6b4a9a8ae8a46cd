/**
 * Typed failures of webhook signature verification. Each one is an AppError
 * whose code is part of the HTTP contract (SPEC.md, `/v1/verify/signature`);
 * status and message come from the error catalog, so the OpenAPI examples,
 * the HTTP answers and the vendor replies shown in the chat say the same.
 * Messages are safe to show anyone: they never carry a secret, a signature or
 * a token. `reason` says, for operators and logs only, which check failed; it
 * is written by this module and never includes request or secret material.
 * Where the failure is the caller's own malformed input (not a webhook
 * request, a body over the bot's limit), the reason is also the body's
 * `detail` for the developer; a failed check of the vendor's signature never
 * says more than its code.
 */
import { AppError } from '../common/app-error.js';
import { ERROR_CATALOG, type ErrorCode } from '../common/error-catalog.js';

export abstract class SignatureError extends AppError {
  constructor(code: ErrorCode, readonly reason: string, shownToCaller = false) {
    const [status, message] = ERROR_CATALOG[code];
    super(code, message, status, shownToCaller ? { detail: reason } : {});
  }
}

export class SignatureMissingError extends SignatureError {
  constructor(detail: string) {
    super('signature_missing', detail);
    this.name = 'SignatureMissingError';
  }
}

export class SignatureInvalidError extends SignatureError {
  constructor(detail: string) {
    super('signature_invalid', detail);
    this.name = 'SignatureInvalidError';
  }
}

export class TimestampInvalidError extends SignatureError {
  constructor(detail: string) {
    super('timestamp_invalid', detail);
    this.name = 'TimestampInvalidError';
  }
}

export class ReplayedError extends SignatureError {
  constructor(detail: string) {
    super('replayed', detail);
    this.name = 'ReplayedError';
  }
}

/** The caller sent something that cannot be a webhook request (no URL where one is needed, not bytes, …). */
export class WebhookRequestInvalidError extends SignatureError {
  constructor(detail: string) {
    super('invalid_request', detail, true);
    this.name = 'WebhookRequestInvalidError';
  }
}

export class BodyTooLargeError extends SignatureError {
  constructor(detail: string) {
    super('body_too_large', detail, true);
    this.name = 'BodyTooLargeError';
  }
}

export class IpNotAllowedError extends SignatureError {
  constructor(detail: string) {
    super('ip_not_allowed', detail);
    this.name = 'IpNotAllowedError';
  }
}

/**
 * The bot's webhook settings cannot verify anything (no live secret, a public
 * key that does not parse, an unknown scheme). A server-side problem, so 5xx
 * and a generic message; `reason` tells the operator what to fix.
 */
export class WebhookMisconfiguredError extends SignatureError {
  constructor(detail: string) {
    super('webhook_misconfigured', detail);
    this.name = 'WebhookMisconfiguredError';
  }
}

/** A remote key set (Bot Framework OpenID metadata / JWKS) could not be fetched: fail closed. */
export class SignatureKeysUnavailableError extends SignatureError {
  constructor(detail: string) {
    super('signature_keys_unavailable', detail);
    this.name = 'SignatureKeysUnavailableError';
  }
}
