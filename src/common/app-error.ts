/**
 * A domain error with a stable machine code and a message that is safe to
 * show an end user in the chat. Services throw these; the exception filter
 * turns them into `{ error, message }` bodies with `status`.
 * Never put a token, secret or password into `message`.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Extra fields for the error body (e.g. retryAfterSeconds); never secrets. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}
