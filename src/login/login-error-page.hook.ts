/**
 * Some POST /login failures happen in Fastify before any route code runs
 * (body over the size limit, a content type with no parser): the global
 * error filter answers them with the API's JSON error. A person sees this
 * response in a popup or iframe, so on /login it is swapped for the same
 * friendly HTML page the login filter renders.
 */
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, onSendHookHandler } from 'fastify';
import { ERROR_CATALOG, type ErrorCode } from '../common/error-catalog.js';
import { addRouteHook } from '../common/route-hooks.js';
import { renderErrorPage } from './login-pages.js';

/** The login form's route: GET and POST /login. */
export const LOGIN_PATH = '/login';

@Injectable()
export class LoginErrorPageHook {
  constructor(adapterHost: HttpAdapterHost) {
    // The CLI builds the same modules without an HTTP server.
    const fastify = adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify?.addHook) return;
    // On the /login routes only (added as Nest registers them, hence in the constructor).
    addRouteHook(fastify, 'onSend', (route) => (route.url === LOGIN_PATH ? asErrorPage : undefined));
  }
}

const asErrorPage: onSendHookHandler = (_request, reply, payload, done) => {
  if (reply.statusCode < 400) return done(null, payload);
  const contentType = String(reply.getHeader('content-type') ?? '');
  if (!contentType.startsWith('application/json') || typeof payload !== 'string') return done(null, payload);
  const code = codeOf(payload);
  const message = code && Object.hasOwn(ERROR_CATALOG, code) ? ERROR_CATALOG[code as ErrorCode][1] : 'The request is not valid.';
  const page = renderErrorPage({ status: reply.statusCode, title: "We couldn't read that form", message });
  void reply.headers(page.headers);
  done(null, page.html);
};

function codeOf(payload: string): string | undefined {
  try {
    const body = JSON.parse(payload) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : undefined;
  } catch {
    return undefined;
  }
}
