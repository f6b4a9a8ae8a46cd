/**
 * Webhook guard for NestJS (`chatwarden/client/nestjs`), on the Express or the
 * Fastify adapter. The raw body must be kept: `NestFactory.create(AppModule,
 * { rawBody: true })` (Nest then sets `request.rawBody`).
 *
 *   @Post('webhooks/shop')
 *   @UseGuards(new ChatwardenWebhookGuard({ client, bot: 'shop', reply: 'inbenta' }))
 *   lookup(@Req() request: { chatwarden: VerifiedWebhook }) { … }
 *
 * A pass sets `request.chatwarden`. A refusal is thrown as an HttpException
 * whose status and body are the answer for the vendor (200 with the vendor
 * reply when `reply` is set), so Nest's default exception handling sends it
 * as is. A handshake passes with `token: null`: return
 * `request.chatwarden.challenge` from the handler.
 */
import { HttpException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { VerifiedWebhook } from './client-types.js';
import { headersOf, urlOf } from './forwarded-webhook.js';
import { bodyTooLarge, decideWebhook, DEFAULT_MAX_BODY_BYTES, type WebhookOptions } from './webhook-decision.js';

export type { WebhookOptions } from './webhook-decision.js';

interface GuardedRequest {
  method: string;
  rawBody?: Buffer;
  chatwarden?: VerifiedWebhook;
  /** Fastify: the Node request; Express: the request is one. */
  raw?: IncomingMessage;
}

export class ChatwardenWebhookGuard implements CanActivate {
  constructor(private readonly options: WebhookOptions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const node = request.raw ?? (request as unknown as IncomingMessage);
    const rawBody = request.rawBody ?? Buffer.alloc(0);
    if (request.rawBody === undefined && request.method !== 'GET' && request.method !== 'HEAD') {
      throw new Error('ChatwardenWebhookGuard needs the raw body: create the app with NestFactory.create(AppModule, { rawBody: true })');
    }
    const decision =
      rawBody.length > (this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)
        ? bodyTooLarge()
        : await decideWebhook(this.options, {
            method: request.method,
            url: urlOf(node, this.options.publicUrl),
            headers: headersOf(node),
            body: rawBody,
            clientIp: node.socket?.remoteAddress,
          });
    if (decision.kind === 'refuse') throw new HttpException(decision.body, decision.status);
    request.chatwarden = decision.verification;
    return true;
  }
}

export { ChatwardenAssertionGuard } from './assertion.guard.js';
