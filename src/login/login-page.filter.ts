/**
 * Every failure on /login becomes a friendly HTML page, never the JSON error
 * body of the API: bad query, replayed form token, wrong password (the form
 * again with one generic message), lockout (429 with when to retry), wrong
 * content type, oversized body, store down. Unexpected errors get a generic
 * page; their details go to the log with the request id only.
 */
import { ArgumentsHost, Catch, HttpException, Injectable, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../common/app-error.js';
import { appError } from '../common/error-catalog.js';
import type { BrowserPage } from './browser-page.js';
import { sendPage } from './browser-reply.js';
import { LoginAttemptError } from './login-form.js';
import { LoginPageService } from './login-page.service.js';
import { renderErrorPage } from './login-pages.js';

@Catch()
@Injectable()
export class LoginPageFilter implements ExceptionFilter {
  private readonly logger = new Logger('LoginPageFilter');

  constructor(private readonly pages: LoginPageService) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    sendPage(http.getResponse<FastifyReply>(), await this.pageFor(exception, String(request.id)));
  }

  /** The page for any failure on /login (also used for Fastify's own errors, see login-error-page.hook.ts). */
  async pageFor(exception: unknown, requestId: string): Promise<BrowserPage> {
    try {
      if (exception instanceof LoginAttemptError) return await this.pages.errorPage(exception.error, exception.context);
      if (exception instanceof AppError) return await this.pages.errorPage(exception, {});
      const status = exception instanceof HttpException ? exception.getStatus() : (exception as { statusCode?: unknown })?.statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) return await this.pages.errorPage(fromStatus(status), {});
    } catch (error) {
      exception = error;
    }
    this.logger.error(`request ${requestId} failed: ${exception instanceof Error ? exception.stack : String(exception)}`);
    return renderErrorPage({ status: 500, title: 'Something went wrong', message: `Something went wrong on our side. (Reference: ${requestId})` });
  }
}

function fromStatus(status: number): AppError {
  if (status === 413) return appError('payload_too_large');
  if (status === 415) return appError('unsupported_media_type');
  if (status === 429) return appError('too_many_requests');
  return appError('invalid_request');
}
