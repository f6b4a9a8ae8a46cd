/**
 * Builds the HTTP application (used by main.ts and by the end-to-end tests):
 * NestJS on Fastify with body limits, request ids, security headers and the
 * OpenAPI document at /docs.
 */
import { randomUUID } from 'node:crypto';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { ChatwardenConfig } from './config/config.schema.js';
import { PinoNestLogger } from './observability/pino-nest-logger.js';
import { installRequestContext } from './observability/request-context.js';
import { installRouteIndex } from './common/method-not-allowed.js';
import { installJsonBodyParser } from './common/request-input.js';
import { trustProxyFunction } from './common/trust-proxy.js';
import { HOT_PATHS } from './common/hot-paths.js';
import { addCommonErrorResponses, errorResponsesFor } from './common/api-docs.js';
import { TOKEN_REFUSAL_CODES, VERIFY_TOKEN_ROUTE_CODES } from './tokens/token-errors.js';
import { VERIFY_TOKEN_PATH, verifyTokenOpenApiPath } from './tokens/verify-token.route.js';
import { SIGNATURE_ERROR_CODES, VERIFY_SIGNATURE_PATH, verifySignatureOpenApiPath } from './signatures/verify-signature.route.js';

/** Largest accepted request body: webhook bodies travel inside verify requests. */
export const BODY_LIMIT_BYTES = 512 * 1024;

export interface CreateAppOptions {
  /**
   * Serve the Swagger UI assets at /docs (the JSON document is always served).
   * In-process tests turn it off: Jest's ESM mode on Node 20 cannot load
   * @fastify/static's ESM-only dependency; the process-level tests cover it.
   */
  docsUi?: boolean;
  /** Extra modules for the application (tests: a stand-in for a port such as JwtSigner, as a global module). */
  imports?: DynamicModule[];
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
    // Strict input: no type coercion, unknown fields refused rather than
    // dropped; OpenAPI's `example` annotates the schemas that the docs show.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, keywords: ['example'] } },
  });
  installRequestContext(adapter.getInstance(), HOT_PATHS);
  // Before any route is added: a wrong method on a known path is then a 405 with Allow.
  installRouteIndex(adapter.getInstance());
  installJsonBodyParser(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger, options.imports), adapter, {
    logger: new PinoNestLogger(logger),
    // Throw instead of exiting, so main.ts reports the reason and tests see it.
    abortOnError: false,
    // JSON bodies go through Fastify's own parser (text in, secure-json-parse,
    // proto and constructor poisoning refused): Nest's wrapper reads them as a
    // Buffer and decodes them again, which cost the verify routes about a
    // tenth of their time with 2 KB webhook bodies. Forms (POST /login,
    // /oauth/introspect) keep Nest's parser.
    bodyParser: false,
  });
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: BODY_LIMIT_BYTES });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('chatwarden')
      .setDescription('Login, encrypted user tokens and webhook signature verification for chatbots. Server-to-server routes take `Authorization: Bearer <API key>`.')
      .setVersion('0.1.0')
      // An API key is an opaque string (`cwk_<id>_<secret>`), not a JWT: no bearerFormat.
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: undefined, description: 'An API key made by `chatwarden clients add` (opaque, `cwk_…`)' })
      .build(),
  );
  document.paths[VERIFY_TOKEN_PATH] = verifyTokenOpenApiPath(
    errorResponsesFor([...TOKEN_REFUSAL_CODES, ...VERIFY_TOKEN_ROUTE_CODES]),
  ) as (typeof document.paths)[string];
  document.paths[VERIFY_SIGNATURE_PATH] = verifySignatureOpenApiPath(errorResponsesFor([...SIGNATURE_ERROR_CODES])) as (typeof document.paths)[string];
  addCommonErrorResponses(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', ui: options.docsUi ?? true });
  app.enableShutdownHooks();
  return app;
}
