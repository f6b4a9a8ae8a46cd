/**
 * Server-to-server routes take `Authorization: Bearer <API key>` and need a
 * scope: `@RequireScope('verify')` on the handler. No key, a wrong key and a
 * key without the scope are told apart (401 vs 403) but never which part of
 * a key was wrong.
 */
import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/app-error.js';
import { appError } from '../common/error-catalog.js';
import { ApiClientService, type ApiClientInfo, type Scope } from './api-client.service.js';

const SCOPE_KEY = 'chatwarden:scope';
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);

export interface RequestWithClient {
  headers: Record<string, string | string[] | undefined>;
  apiClient?: ApiClientInfo;
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
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw appError('api_key_missing');
    const client = this.clients.authenticate(match[1]);
    if (!client) throw appError('api_key_invalid');
    if (!client.scopes.includes(scope)) throw new AppError('scope_missing', `This API key lacks the "${scope}" scope.`, 403);
    request.apiClient = client;
    return true;
  }
}
