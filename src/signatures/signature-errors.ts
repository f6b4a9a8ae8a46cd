/**
 * Typed failures of webhook signature verification. Each one is an AppError
 * whose code is part of the HTTP contract (SPEC.md, `/v1/verify/signature`).
 * Messages are safe to show anyone: they never carry a secret, a signature or
 * a token. `detail` says, for operators and logs only, which check failed; it
 * is written by this module and never includes request or secret material.
 */
import { AppError } from '../common/app-error.js';

export class SignatureMissingError extends AppError {
  constructor(readonly detail: string) {
    super('signature_missing', 'The request does not carry the signature or credentials this webhook requires.', 401);
    this.name = 'SignatureMissingError';
  }
}

export class SignatureInvalidError extends AppError {
  constructor(readonly detail: string) {
    super('signature_invalid', 'The request signature or credentials do not match.', 401);
    this.name = 'SignatureInvalidError';
  }
}

export class TimestampInvalidError extends AppError {
  constructor(readonly detail: string) {
    super('timestamp_invalid', 'The request timestamp is missing, unreadable or outside the allowed window.', 401);
    this.name = 'TimestampInvalidError';
  }
}

export class ReplayedError extends AppError {
  constructor(readonly detail: string) {
    super('replayed', 'This request has already been received.', 401);
    this.name = 'ReplayedError';
  }
}

/** The caller sent something that cannot be a webhook request (no URL where one is needed, not bytes, …). */
export class WebhookRequestInvalidError extends AppError {
  constructor(readonly detail: string) {
    super('request_invalid', 'The webhook request is malformed.', 400);
    this.name = 'WebhookRequestInvalidError';
  }
}

export class BodyTooLargeError extends AppError {
  constructor(readonly detail: string) {
    super('body_too_large', 'The webhook body is larger than allowed.', 413);
    this.name = 'BodyTooLargeError';
  }
}

export class IpNotAllowedError extends AppError {
  constructor(readonly detail: string) {
    super('ip_not_allowed', 'Requests from this address are not accepted for this bot.', 403);
    this.name = 'IpNotAllowedError';
  }
}

/**
 * The bot's webhook settings cannot verify anything (no live secret, a public
 * key that does not parse, an unknown scheme). A server-side problem, so 5xx
 * and a generic message; `detail` tells the operator what to fix.
 */
export class WebhookMisconfiguredError extends AppError {
  constructor(readonly detail: string) {
    super('webhook_misconfigured', 'Webhook verification is not configured correctly for this bot.', 500);
    this.name = 'WebhookMisconfiguredError';
  }
}

/** A remote key set (Bot Framework OpenID metadata / JWKS) could not be fetched: fail closed. */
export class SignatureKeysUnavailableError extends AppError {
  constructor(readonly detail: string) {
    super('signature_keys_unavailable', 'The keys needed to check this request cannot be fetched right now.', 503);
    this.name = 'SignatureKeysUnavailableError';
  }
}
