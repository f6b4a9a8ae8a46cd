/**
 * Some POST /login failures happen in Fastify before any route code runs
 * (body over the size limit, a content type with no parser): the global
 * error filter answers them with the API's JSON error. A person sees this
 * response in a popup or iframe, so on /login it is swapped for the same
 * friendly HTML page the login filter renders.
 */
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ERROR_CATALOG, type ErrorCode } from '../common/error-catalog.js';
import { renderErrorPage } from './login-pages.js';

@Injectable()
export class LoginErrorPageHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Synchronous and status-first: this hook sees every response, including the verify hot path.
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (reply.statusCode < 400 || !isLoginPath(request.url)) return done(null, payload);
      const contentType = String(reply.getHeader('content-type') ?? '');
      if (!contentType.startsWith('application/json') || typeof payload !== 'string') return done(null, payload);
      const code = codeOf(payload);
      const message = code && Object.hasOwn(ERROR_CATALOG, code) ? ERROR_CATALOG[code as ErrorCode][1] : 'The request is not valid.';
      const page = renderErrorPage({ status: reply.statusCode, title: "We couldn't read that form", message });
      void reply.headers(page.headers);
      done(null, page.html);
    });
  }
}

function isLoginPath(url: string): boolean {
  return url === '/login' || url.startsWith('/login?');
}

function codeOf(payload: string): string | undefined {
  try {
    const body = JSON.parse(payload) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : undefined;
  } catch {
    return undefined;
  }
}
