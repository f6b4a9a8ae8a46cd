/**
 * Builds the HTTP application (used by main.ts and by the end-to-end tests):
 * NestJS on Fastify with body limits, request ids, security headers and the
 * OpenAPI document at /docs.
 */
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { ChatwardenConfig } from './config/config.schema.js';
import { PinoNestLogger } from './observability/pino-nest-logger.js';
import { trustProxyFunction } from './common/trust-proxy.js';

/** Largest accepted request body: webhook bodies travel inside verify requests. */
export const BODY_LIMIT_BYTES = 512 * 1024;

export interface CreateAppOptions {
  /**
   * Serve the Swagger UI assets at /docs (the JSON document is always served).
   * In-process tests turn it off: Jest's ESM mode on Node 20 cannot load
   * @fastify/static's ESM-only dependency; the process-level tests cover it.
   */
  docsUi?: boolean;
}

export async function createApp(config: ChatwardenConfig, logger: Logger, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: trustProxyFunction(config.trustProxy),
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, {
    logger: new PinoNestLogger(logger),
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('chatwarden')
      .setDescription('Login, encrypted user tokens and webhook signature verification for chatbots. Server-to-server routes take `Authorization: Bearer <API key>`.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', ui: options.docsUi ?? true });
  app.enableShutdownHooks();
  return app;
}
