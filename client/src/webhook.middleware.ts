/**
 * Webhook middleware for node:http, Connect and Express:
 * `(request, response, next)`. Mount it on the webhook route *before* any
 * body parser — it reads the raw body itself — or keep the raw bytes in
 * `request.rawBody` (e.g. `express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })`).
 *
 * On a pass, the handler finds `request.chatwarden` (signature and user),
 * `request.rawBody`, and `request.body` parsed (JSON, or a form as an object)
 * unless a parser already set it. On a refusal the middleware answers the
 * vendor itself (see webhook-decision.ts) and `next` is not called.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VerifiedWebhook } from './client-types.js';
import { BodyTooLargeError, headersOf, parseBody, readBody, urlOf } from './forwarded-webhook.js';
import { bodyTooLarge, decideWebhook, DEFAULT_MAX_BODY_BYTES, type WebhookDecision, type WebhookOptions } from './webhook-decision.js';

export interface WebhookRequest extends IncomingMessage {
  chatwarden?: VerifiedWebhook;
  rawBody?: Buffer;
  body?: unknown;
  /** Express's path before mounting; part of the URL the vendor signed. */
  originalUrl?: string;
}

export type NextFunction = (error?: unknown) => void;

export function webhookMiddleware(options: WebhookOptions): (request: IncomingMessage, response: ServerResponse, next: NextFunction) => void {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return (incoming, response, next) => {
    const request = incoming as WebhookRequest;
    const handle = async (): Promise<void> => {
      let rawBody: Buffer;
      if (Buffer.isBuffer(request.rawBody)) {
        rawBody = request.rawBody;
      } else if (request.readableEnded || request.body !== undefined) {
        throw new Error('chatwarden webhookMiddleware: the body was already read; mount the middleware before body parsers or keep the bytes in request.rawBody');
      } else {
        try {
          rawBody = await readBody(request, limit);
        } catch (error) {
          if (error instanceof BodyTooLargeError) return answer(response, bodyTooLarge());
          throw error;
        }
      }
      const decision = await decideWebhook(options, {
        method: request.method ?? 'POST',
        url: urlOf(request, options.publicUrl),
        headers: headersOf(request),
        body: rawBody,
        clientIp: request.socket?.remoteAddress,
      });
      if (decision.kind !== 'run') return answer(response, decision);
      request.chatwarden = decision.verification;
      request.rawBody = rawBody;
      if (request.body === undefined) request.body = parseBody(rawBody, request.headers['content-type']);
      next();
    };
    handle().catch(next);
  };
}

function answer(response: ServerResponse, decision: Exclude<WebhookDecision, { kind: 'run' }>): void {
  if (decision.kind === 'handshake') {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(decision.challenge);
    return;
  }
  response.writeHead(decision.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(decision.body));
}
