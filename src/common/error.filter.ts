/**
 * Every error leaves as `{ error, message, requestId }` (verify routes add
 * `valid: false`). Domain errors keep their code and user-safe message;
 * framework errors (bad JSON, too large, wrong media type, unknown route) get
 * a code from their status; anything unexpected is a generic 500 — its
 * details go to the log with the request id, never to the client.
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './app-error.js';
import { ERROR_CATALOG, type ErrorCode } from './error-catalog.js';
import { allowedMethods } from './method-not-allowed.js';

/** The code of a framework error (bad JSON, too large, wrong media type, unknown route) from its status. */
const CODES_BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

export interface ErrorBody {
  error: string;
  message: string;
  /** What exactly is wrong, for the developer (SPEC.md "Errors for integrators"); never a secret or token. */
  detail?: string;
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
    let { status, body } = describeError(exception, String(request.id));
    const headers = errorHeaders(request);
    if (status === 404 && request.is404) {
      // No route for this method (not a route's own 404): a route that exists for other methods: 405 with Allow (RFC 9110 §15.5.6), not "nothing here".
      const allow = allowedMethods(request.server, request.url);
      if (allow.length > 0) {
        ({ status, body } = describeError(new AppError('method_not_allowed', ERROR_CATALOG.method_not_allowed[1], 405, { detail: `use ${allow.join(' or ')}` }), String(request.id)));
        headers.allow = allow.join(', ');
      }
    }
    if (request.url.startsWith('/v1/verify/')) body.valid = false;
    if (status >= 500 && body.error === 'internal_error') {
      this.logger.error(`request ${request.id} failed: ${exception instanceof Error ? exception.stack : String(exception)}`);
    }
    if (status === 429 && typeof body.retryAfterSeconds === 'number') reply.header('retry-after', String(body.retryAfterSeconds));
    void reply.status(status).headers(headers).send(body);
  }
}

/** Error answers carry the request id (also in the body) so a report can be matched to the log line. */
export function errorHeaders(request: FastifyRequest): Record<string, string> {
  return { 'cache-control': 'no-store', 'x-request-id': String(request.id), 'x-content-type-options': 'nosniff' };
}

/**
 * Status and body for any error; shared by the filter and the Fastify-native
 * verify routes. Every AppError — the store being down included — keeps its
 * code, message and details; framework 4xx errors get the catalog code of
 * their status; anything else is a generic 500.
 */
export function describeError(exception: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (exception instanceof AppError) {
    const { detail, ...extra } = exception.details;
    return {
      status: exception.status,
      body: { error: exception.code, message: exception.message, ...(typeof detail === 'string' && { detail }), requestId, ...extra },
    };
  }
  const status = exception instanceof HttpException ? exception.getStatus() : statusOf(exception);
  if (status !== undefined && status >= 400 && status < 500) {
    const code = CODES_BY_STATUS[status] ?? 'invalid_request';
    const detail = frameworkDetail(exception, status);
    return { status, body: { error: code, message: ERROR_CATALOG[code][1], ...(detail !== undefined && { detail }), requestId } };
  }
  return { status: 500, body: { error: 'internal_error', message: ERROR_CATALOG.internal_error[1], requestId } };
}

function statusOf(exception: unknown): number | undefined {
  const status = (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** What a framework error says about the request: bad JSON, a schema failure (names fields, never quotes values), the media type. */
function frameworkDetail(exception: unknown, status: number): string | undefined {
  const code = (exception as { code?: string })?.code;
  if (exception instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return 'the request body is not valid JSON';
  }
  if ((exception as { validation?: unknown })?.validation) return (exception as Error).message;
  // No parser at all for the type (application/xml …): the API reads JSON, the two form routes forms.
  if (status === 415) return 'send the body as Content-Type: application/json (POST /login and /oauth/introspect: application/x-www-form-urlencoded)';
  if (status === 413) return 'the request body is larger than 512 KiB';
  return undefined;
}
