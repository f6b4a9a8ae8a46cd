/**
 * A domain error with a stable machine code (one of ERROR_CATALOG, see
 * error-catalog.ts) and a message that is safe to show an end user in the
 * chat. Services throw these (through `appError(code, details)`); the
 * exception filter turns them into `{ error, message, detail?, requestId }`
 * bodies with `status`. Never put a token, secret or password into `message`
 * or `details`.
 */
import type { ErrorCode } from './error-catalog.js';

/** Extra fields of the error body: `detail` for the developer or operator, others such as retryAfterSeconds. */
export interface ErrorDetails {
  /** What exactly is wrong (the field, the unknown name, the expected type); never a secret, token or credential. */
  detail?: string;
  [extra: string]: unknown;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** What exactly is wrong, for the developer or operator (the end-user `message` otherwise). */
  get detail(): string | undefined {
    return typeof this.details.detail === 'string' ? this.details.detail : undefined;
  }
}
