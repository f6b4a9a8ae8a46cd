/**
 * Some POST /login failures happen in Fastify before any route code runs
 * (body over the size limit, a content type with no parser, a body that does
 * not parse), so Nest's filters never see them. A person sees this response
 * in a popup or iframe, so the /login routes get a Fastify error handler of
 * their own that renders the same friendly HTML page the login filter does,
 * directly from the error (never by reading a JSON body back).
 */
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendPage } from './browser-reply.js';
import { LoginPageFilter } from './login-page.filter.js';

/** The login form's route: GET and POST /login. */
export const LOGIN_PATH = '/login';

@Injectable()
export class LoginErrorPageHook {
  constructor(adapterHost: HttpAdapterHost, filter: LoginPageFilter) {
    // The CLI builds the same modules without an HTTP server.
    const fastify = adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify?.addHook) return;
    // On the /login routes only, as Nest registers them (hence in the constructor).
    fastify.addHook('onRoute', (route) => {
      if (route.url !== LOGIN_PATH) return;
      route.errorHandler = async (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
        sendPage(reply, await filter.pageFor(error, String(request.id)));
      };
    });
  }
}
