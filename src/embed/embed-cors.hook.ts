/**
 * embed.js calls POST /v1/tokens/refresh and POST /logout from the host page,
 * a cross-origin JSON request, so those two routes answer CORS for the bots'
 * origins (exact match, no credentials: the token is in the body). Any other
 * origin gets no CORS headers and the browser keeps the answer from it.
 */
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { canonicalOrigin } from '../login/bot-origin.service.js';

export const EMBED_CORS_PATHS: readonly string[] = ['/v1/tokens/refresh', '/logout'];

@Injectable()
export class EmbedCorsHook implements OnModuleInit {
  private readonly origins: Set<string>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    config: AppConfig,
  ) {
    this.origins = new Set(Object.values(config.bots).flatMap((bot) => bot.origins.map(canonicalOrigin)));
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Synchronous, and the cheap Origin test first: this hook sees every request,
    // including server-to-server verify calls, which carry no Origin header.
    fastify.addHook('onRequest', (request, reply, done) => {
      const origin = request.headers.origin;
      if (typeof origin !== 'string' || !this.origins.has(origin) || !EMBED_CORS_PATHS.includes(request.url.split('?')[0])) return done();
      void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
      if (request.method !== 'OPTIONS') return done();
      void reply
        .status(204)
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '600')
        .send();
    });
  }
}
