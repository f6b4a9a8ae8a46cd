/**
 * Every failure on the SSO routes becomes a friendly HTML page in the login
 * popup (never the JSON error body, never a stack trace): the page and its
 * status come from SsoService.errorPage.
 */
import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { sendPage } from './sso-reply.js';
import { SsoService } from './sso.service.js';

@Catch()
@Injectable()
export class SsoPageFilter implements ExceptionFilter {
  constructor(private readonly sso: SsoService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    sendPage(host.switchToHttp().getResponse<FastifyReply>(), this.sso.errorPage(exception));
  }
}
