/**
 * `POST /v1/verify/signature` (SPEC.md "HTTP API"). Webhook handlers call it
 * for every webhook, so, like `/v1/verify/token`, it is mounted on Fastify
 * directly: validation and serialization compiled from JSON Schema instead of
 * Nest's guard and class-validator pipe, which cost three quarters of its
 * throughput in `npm run bench` (a Nest controller with the same JSON Schema
 * still cost a fifth). It stays a thin edge: authorization is
 * ApiClientService.authorize, the rules are SignatureCheckService, and errors
 * take the same shape as everywhere else (describeError).
 */
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiClientService } from '../clients/api-client.service.js';
import { apiKeyHook, type RequestWithClient } from '../clients/api-key.guard.js';
import type { ErrorCode } from '../common/error-catalog.js';
import { describeError, errorHeaders } from '../common/error.filter.js';
import { jsonBodyHook } from '../common/request-input.js';
import { SignatureCheckService } from './signature-check.service.js';
import type { SignatureInput } from './signature-input.js';
import type { SignatureVerification } from './signature.service.js';
import { SIGNATURE_VERIFICATION_RESPONSE, VERIFY_SIGNATURE_REQUEST } from './verify-signature.schema.js';
import { VERIFY_SIGNATURE_PATH } from '../common/hot-paths.js';

export { VERIFY_SIGNATURE_PATH };

/** Every code the route can answer, for the OpenAPI document (and `/v1/verify/webhook`, which runs the same checks first). */
export const SIGNATURE_ERROR_CODES: readonly ErrorCode[] = [
  'invalid_request',
  'unknown_bot',
  'webhook_not_configured',
  'client_ip_required',
  'signature_missing',
  'signature_invalid',
  'timestamp_invalid',
  'replayed',
  'ip_not_allowed',
  'body_too_large',
  'payload_too_large',
  'webhook_misconfigured',
  'signature_keys_unavailable',
  'store_unavailable',
  'api_key_missing',
  'api_key_invalid',
  'scope_missing',
  'bot_not_allowed',
];

@Injectable()
export class VerifySignatureRoute implements OnModuleInit {
  private readonly logger = new Logger('VerifySignatureRoute');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly clients: ApiClientService,
    private readonly signatures: SignatureCheckService,
  ) {}

  onModuleInit(): void {
    // The CLI builds the same modules without an HTTP server.
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify?.route) return;
    fastify.route({
      method: 'POST',
      url: VERIFY_SIGNATURE_PATH,
      schema: { body: VERIFY_SIGNATURE_REQUEST, response: { 200: SIGNATURE_VERIFICATION_RESPONSE } },
      // The API key before anything about the body (SPEC.md "Errors for integrators"); then its type and text.
      onRequest: apiKeyHook(this.clients, 'verify'),
      preValidation: jsonBodyHook,
      handler: (request) => this.handle(request as FastifyRequest<{ Body: SignatureInput }>),
      errorHandler: (error, request, reply) => this.fail(error, request, reply),
    });
  }


  /** Fastify sends what the promise resolves to, through the response schema's serializer; a throw or rejection goes to `fail`. */
  private handle(request: FastifyRequest<{ Body: SignatureInput }>): Promise<SignatureVerification> {
    // `bot` is required by the schema; a key bound to other bots gets `bot_not_allowed` before anything is checked or recorded.
    (request as RequestWithClient).apiClient!.access.assert(request.body.bot);
    return this.signatures.verify(request.body, String(request.id));
  }

  private fail(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const { status, body } = describeError(error, String(request.id));
    // Unexpected failures keep their details in the log, found by the request id the caller gets.
    if (body.error === 'internal_error') this.logger.error(`request ${request.id} failed: ${error instanceof Error ? error.stack : String(error)}`);
    void reply.code(status).headers(errorHeaders(request)).send({ ...body, valid: false });
  }
}

/** The route's entry for the OpenAPI document (Nest's scanner only sees controllers). */
export function verifySignatureOpenApiPath(errorResponses: Record<string, unknown>): Record<string, unknown> {
  return {
    post: {
      tags: ['verify'],
      summary: "Check that a webhook call really came from the bot's chat vendor",
      description:
        'Forward the request exactly as received. Every live secret of the bot is tried; the answer names the one that matched. ' +
        'A signed delivery id is accepted once. A vendor handshake is answered with `challenge`, to send back as-is.',
      operationId: 'verifySignature',
      security: [{ bearer: [] }],
      requestBody: { required: true, content: { 'application/json': { schema: VERIFY_SIGNATURE_REQUEST } } },
      responses: {
        200: { description: 'The request was signed by the vendor', content: { 'application/json': { schema: SIGNATURE_VERIFICATION_RESPONSE } } },
        ...errorResponses,
      },
    },
  };
}
