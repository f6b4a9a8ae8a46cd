/**
 * embed.js calls POST /v1/tokens/refresh and POST /logout from the host page,
 * a cross-origin JSON request, so those two routes answer CORS for the bots'
 * origins (exact match, no credentials: the token is in the body). Any other
 * origin gets no CORS headers and the browser keeps the answer from it.
 */
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { addRouteHook } from '../common/route-hooks.js';
import { AppConfig } from '../config/app-config.js';
import { canonicalOrigin } from '../login/bot-origin.service.js';

export const EMBED_CORS_PATHS: readonly string[] = ['/v1/tokens/refresh', '/logout'];

@Injectable()
export class EmbedCorsHook implements OnModuleInit {
  private readonly origins: Set<string>;
  private readonly fastify: FastifyInstance | undefined;

  constructor(adapterHost: HttpAdapterHost, config: AppConfig) {
    this.origins = new Set(Object.values(config.bots).flatMap((bot) => bot.origins.map(canonicalOrigin)));
    // The CLI builds the same modules without an HTTP server.
    const fastify = adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    this.fastify = fastify?.addHook ? fastify : undefined;
    if (!this.fastify) return;
    // The answers of the two routes carry CORS headers for a bot origin
    // (added as Nest registers the routes, hence in the constructor).
    addRouteHook(this.fastify, 'onRequest', (route) => (EMBED_CORS_PATHS.includes(route.url) && route.method !== 'OPTIONS' ? this.allowBotOrigin : undefined));
  }

  onModuleInit(): void {
    // The browser's preflight for them: 204 with the CORS headers for a bot origin, as if no route were there for any other.
    for (const url of EMBED_CORS_PATHS) {
      this.fastify?.route({
        method: 'OPTIONS',
        url,
        handler: (request, reply) => {
          if (!this.isBotOrigin(request.headers.origin)) return reply.callNotFound();
          return reply
            .status(204)
            .header('access-control-allow-origin', request.headers.origin)
            .header('vary', 'Origin')
            .header('access-control-allow-methods', 'POST')
            .header('access-control-allow-headers', 'content-type')
            .header('access-control-max-age', '600')
            .send();
        },
      });
    }
  }

  private readonly allowBotOrigin: onRequestHookHandler = (request, reply, done) => {
    const origin = request.headers.origin;
    if (this.isBotOrigin(origin)) void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    done();
  };

  private isBotOrigin(origin: unknown): origin is string {
    return typeof origin === 'string' && this.origins.has(origin);
  }
}
