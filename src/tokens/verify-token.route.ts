/**
 * `POST /v1/verify/token` — the product's hot path: every webhook action calls
 * it, and a conversation re-sends the same token many times. It is mounted on
 * Fastify directly (validation and serialization compiled from JSON Schema)
 * rather than through Nest's guard/pipe pipeline, which cost more than half
 * of the throughput in `npm run bench`. It stays a thin edge: authorization
 * is ApiClientService.authorize, the rules are TokenService.verify, and errors
 * take the same shape as everywhere else (describeError).
 */
import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiClientService } from '../clients/api-client.service.js';
import { apiKeyHook, type RequestWithClient } from '../clients/api-key.guard.js';
import { describeError, errorHeaders } from '../common/error.filter.js';
import { jsonBodyHook } from '../common/request-input.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { TokenService } from './token.service.js';
import { VERIFIED_TOKEN_RESPONSE, VERIFY_TOKEN_REQUEST, type VerifyTokenRequest } from './verify-token.schema.js';
import { VERIFY_TOKEN_PATH } from '../common/hot-paths.js';

export { VERIFY_TOKEN_PATH };

@Injectable()
export class VerifyTokenRoute implements OnModuleInit {
  private readonly logger = new Logger('VerifyTokenRoute');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly clients: ApiClientService,
    private readonly tokens: TokenService,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  onModuleInit(): void {
    // The CLI builds the same modules without an HTTP server.
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify?.route) return;
    fastify.route({
      method: 'POST',
      url: VERIFY_TOKEN_PATH,
      schema: { body: VERIFY_TOKEN_REQUEST, response: { 200: VERIFIED_TOKEN_RESPONSE } },
      // The API key before anything about the body (SPEC.md "Errors for integrators"); then its type and text.
      onRequest: apiKeyHook(this.clients, 'verify'),
      preValidation: jsonBodyHook,
      handler: (request, reply) => this.handle(request as FastifyRequest<{ Body: VerifyTokenRequest }>, reply),
      errorHandler: (error, request, reply) => this.fail(error, request, reply),
    });
  }


  private async handle(request: FastifyRequest<{ Body: VerifyTokenRequest }>, reply: FastifyReply): Promise<void> {
    const client = (request as RequestWithClient).apiClient!;
    const body = request.body;
    // The bot rule (SPEC.md "API clients bound to bots"): the named bot, which the key must allow, or the key's only bot.
    const bot = client.access.require(body.bot);
    // The response schema's serializer emits only the documented fields (not `kid`).
    const verified = await this.tokens.verify(body.token, bot === body.bot ? body : { ...body, bot });
    this.metrics?.verifyOutcome('valid', reply.elapsedTime / 1000);
    await reply.send(verified);
  }

  private fail(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const { status, body } = describeError(error, String(request.id));
    this.metrics?.verifyOutcome(body.error, reply.elapsedTime / 1000);
    // This route has no request context (hot path), so the id goes into the line itself, as ErrorFilter does.
    if (body.error === 'internal_error') this.logger.error(`request ${request.id} failed: ${error instanceof Error ? error.stack : String(error)}`);
    void reply.code(status).headers(errorHeaders(request)).send({ ...body, valid: false });
  }
}

/** The route's entry for the OpenAPI document (Nest's scanner only sees controllers). */
export function verifyTokenOpenApiPath(errorResponses: Record<string, unknown>): Record<string, unknown> {
  return {
    post: {
      tags: ['verify'],
      summary: 'Verify a user token before a webhook action runs',
      operationId: 'verifyToken',
      security: [{ bearer: [] }],
      requestBody: { required: true, content: { 'application/json': { schema: VERIFY_TOKEN_REQUEST } } },
      responses: { 200: { description: 'The token is valid for this bot, conversation and action', content: { 'application/json': { schema: VERIFIED_TOKEN_RESPONSE } } }, ...errorResponses },
    },
  };
}
