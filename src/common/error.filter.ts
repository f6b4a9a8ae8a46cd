/**
 * Every error leaves as `{ error, message, requestId }` (verify routes add
 * `valid: false`). Domain errors keep their code and user-safe message;
 * framework errors (bad JSON, too large, wrong media type, unknown route) get
 * a code from their status; anything unexpected is a generic 500 — its
 * details go to the log with the request id, never to the client.
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StoreUnavailableError } from '../store/store.js';
import { AppError } from './app-error.js';
import { ERROR_CATALOG } from './error-catalog.js';

const CODES_BY_STATUS: Record<number, [string, string]> = {
  400: ['invalid_request', 'The request is not valid.'],
  401: ['unauthorized', 'Authentication is required.'],
  403: ['forbidden', 'This is not allowed.'],
  404: ['not_found', 'There is nothing here.'],
  405: ['method_not_allowed', 'This method is not allowed here.'],
  406: ['not_acceptable', 'This response format is not available.'],
  413: ['payload_too_large', 'The request body is too large.'],
  415: ['unsupported_media_type', 'This content type is not accepted here.'],
  429: ['too_many_requests', 'Too many requests. Please try again later.'],
};

export interface ErrorBody {
  error: string;
  message: string;
  requestId: string;
  valid?: false;
  [extra: string]: unknown;
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body } = describeError(exception, String(request.id));
    if (request.url.startsWith('/v1/verify/')) body.valid = false;
    if (status >= 500 && body.error === 'internal_error') {
      this.logger.error(`request ${request.id} failed: ${exception instanceof Error ? exception.stack : String(exception)}`);
    }
    if (status === 429 && typeof body.retryAfterSeconds === 'number') reply.header('retry-after', String(body.retryAfterSeconds));
    void reply.status(status).headers(errorHeaders(request)).send(body);
  }
}

/** Error answers carry the request id (also in the body) so a report can be matched to the log line. */
export function errorHeaders(request: FastifyRequest): Record<string, string> {
  return { 'cache-control': 'no-store', 'x-request-id': String(request.id), 'x-content-type-options': 'nosniff' };
}

/** Status and body for any error; shared by the filter and the Fastify-native verify route. */
export function describeError(exception: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (exception instanceof AppError) {
    return { status: exception.status, body: { error: exception.code, message: exception.message, requestId, ...exception.details } };
  }
  if (exception instanceof StoreUnavailableError) {
    return {
      status: 503,
      body: { error: 'store_unavailable', message: ERROR_CATALOG.store_unavailable[1], requestId },
    };
  }
  const status = exception instanceof HttpException ? exception.getStatus() : statusOf(exception);
  if (status !== undefined && status >= 400 && status < 500) {
    const [error, message] = CODES_BY_STATUS[status] ?? ['invalid_request', 'The request is not valid.'];
    return { status, body: { error, message: clientMessage(exception) ?? message, requestId } };
  }
  return { status: 500, body: { error: 'internal_error', message: 'Something went wrong on our side.', requestId } };
}

function statusOf(exception: unknown): number | undefined {
  const status = (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** A specific message for bad JSON and schema failures (they name fields, never quote values). */
function clientMessage(exception: unknown): string | undefined {
  if (exception instanceof SyntaxError || (exception as { code?: string })?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return 'The request body is not valid JSON.';
  }
  if ((exception as { validation?: unknown })?.validation) return `Invalid request: ${(exception as Error).message}`;
  return undefined;
}
