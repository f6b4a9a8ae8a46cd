/**
 * Server-to-server routes take `Authorization: Bearer <API key>` and need a
 * scope: `@RequireScope('verify')` on the handler. The rules live in
 * ApiClientService.authorize, shared with the Fastify-native verify routes
 * through apiKeyHook.
 */
import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiClientService, type AuthorizedClient, type Scope } from './api-client.service.js';

const SCOPE_KEY = 'chatwarden:scope';
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);

export interface RequestWithClient {
  headers: Record<string, string | string[] | undefined>;
  apiClient?: AuthorizedClient;
}

/**
 * The Fastify-native routes' onRequest hook: the API key before anything
 * about the body (SPEC.md "Errors for integrators"); the authorized client is
 * kept on the request for the bot rule.
 */
export function apiKeyHook(clients: ApiClientService, scope: Scope) {
  return (request: RequestWithClient, _reply: unknown, done: (error?: Error) => void): void => {
    try {
      request.apiClient = clients.authorize(request.headers.authorization, scope);
    } catch (error) {
      return done(error as Error);
    }
    done();
  };
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly clients: ApiClientService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.get<Scope | undefined>(SCOPE_KEY, context.getHandler());
    if (!scope) return true;
    const request = context.switchToHttp().getRequest<RequestWithClient>();
    request.apiClient = this.clients.authorize(request.headers.authorization, scope);
    return true;
  }
}
