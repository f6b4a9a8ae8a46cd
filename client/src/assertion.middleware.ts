/**
 * Putting the gateway's user on the request, for handlers behind the
 * webhook gateway (they need no API key and no verify call):
 * - node:http / Connect / Express: `app.use(assertionMiddleware(options))`
 *   → `request.chatwardenUser`;
 * - Fastify: `app.addHook('preHandler', assertionHook(options))`
 *   → `request.chatwardenUser`;
 * - NestJS: `@UseGuards(new ChatwardenAssertionGuard(options))`
 *   (`chatwarden/client/nestjs`) → `request.chatwardenUser`.
 * A call without a valid assertion is answered 401 (503 if the JWKS cannot
 * be fetched) with `{ error, message }` and never reaches the handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AssertionError, verifyAssertion, type AssertedUser, type AssertionOptions } from './assertion.js';

export interface AssertedRequest extends IncomingMessage {
  chatwardenUser?: AssertedUser;
}

function refusalBody(error: AssertionError): string {
  return JSON.stringify({ error: error.code, message: error.message });
}

export function assertionMiddleware(
  options: AssertionOptions,
): (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void {
  return (request, response, next) => {
    verifyAssertion(request.headers, options).then(
      (user) => {
        (request as AssertedRequest).chatwardenUser = user;
        next();
      },
      (error: unknown) => {
        if (!(error instanceof AssertionError)) return next(error);
        response.writeHead(error.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        response.end(refusalBody(error));
      },
    );
  };
}

/** The parts of a Fastify request and reply the hook uses (no Fastify import: this entry stays framework-free). */
interface HookRequest {
  headers: Record<string, string | string[] | undefined>;
  chatwardenUser?: AssertedUser;
}
interface HookReply {
  code(status: number): HookReply;
  header(name: string, value: string): HookReply;
  send(body: string): unknown;
}

/** A Fastify `preHandler` (async) hook. */
export function assertionHook(options: AssertionOptions): (request: HookRequest, reply: HookReply) => Promise<unknown> {
  return async (request, reply) => {
    try {
      request.chatwardenUser = await verifyAssertion(request.headers, options);
      return undefined;
    } catch (error) {
      if (!(error instanceof AssertionError)) throw error;
      return reply.code(error.status).header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send(refusalBody(error));
    }
  };
}
