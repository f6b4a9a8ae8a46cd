/**
 * Webhook plugin for Fastify (`chatwarden/client/fastify`). Register it in
 * the scope that holds the webhook routes; it changes that scope only:
 *
 *   app.register(async (webhooks) => {
 *     await webhooks.register(chatwardenWebhooks, { client, bot: 'shop', reply: 'chatbotcom' });
 *     webhooks.post('/webhooks/shop', async (request) => ({ hello: request.chatwarden!.token!.subject }));
 *   });
 *
 * In that scope every body is read as raw bytes (the signature covers bytes,
 * not parsed JSON), checked by chatwarden in a preHandler hook, and then
 * handed to the route parsed, with `request.chatwarden` and `request.rawBody`
 * set. Refusals and handshakes are answered by the hook (webhook-decision.ts).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { VerifiedWebhook } from './client-types.js';
import { headersOf, parseBody, urlOf } from './forwarded-webhook.js';
import { decideWebhook, DEFAULT_MAX_BODY_BYTES, type WebhookOptions } from './webhook-decision.js';

export type { WebhookOptions } from './webhook-decision.js';

declare module 'fastify' {
  interface FastifyRequest {
    chatwarden?: VerifiedWebhook;
    rawBody?: Buffer;
  }
}

async function plugin(fastify: FastifyInstance, options: WebhookOptions): Promise<void> {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES }, (_request, body, done) => done(null, body));
  fastify.addHook('preHandler', async (request, reply): Promise<FastifyReply | undefined> => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const decision = await decideWebhook(options, {
      method: request.method,
      url: urlOf(request.raw, options.publicUrl),
      headers: headersOf(request.raw),
      body: rawBody,
      clientIp: request.raw.socket?.remoteAddress,
    });
    if (decision.kind === 'handshake') return reply.code(200).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(decision.challenge);
    if (decision.kind === 'refuse') return reply.code(decision.status).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(JSON.stringify(decision.body));
    request.chatwarden = decision.verification;
    request.rawBody = rawBody;
    request.body = parseBody(rawBody, request.headers['content-type']);
    return undefined;
  });
}

/**
 * Fastify's `skip-override` (what fastify-plugin sets): the parser and hook
 * apply to the scope the plugin is registered in, not to a child of it.
 */
export const chatwardenWebhooks = Object.assign(plugin, { [Symbol.for('skip-override')]: true });
