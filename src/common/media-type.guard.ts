/**
 * A body in another content type than the route reads is a 415
 * `unsupported_media_type` whose `detail` names the expected type (SPEC.md
 * "Errors for integrators"): JSON sent as `text/plain` (fetch's default) or
 * as curl's default form would otherwise fail validation with misleading
 * field messages. Routes read JSON unless they declare another type with
 * `@ApiConsumes` (the same declaration the OpenAPI document shows). A global
 * guard registered after ApiKeyGuard, so the API key is checked first.
 */
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JSON_MEDIA_TYPE, unexpectedMediaType } from './request-input.js';

/** Where @nestjs/swagger's @ApiConsumes keeps its types (its constants module is not exported). */
const API_CONSUMES = 'swagger/apiConsumes';

@Injectable()
export class MediaTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<{ method: string; headers: Record<string, string | string[] | undefined> }>();
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return true;
    const declared = this.reflector.getAllAndOverride<string[] | undefined>(API_CONSUMES, [context.getHandler(), context.getClass()]);
    const refused = unexpectedMediaType(request.headers, declared && declared.length > 0 ? declared : [JSON_MEDIA_TYPE]);
    if (refused) throw refused;
    return true;
  }
}
