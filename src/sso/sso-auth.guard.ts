/**
 * Guards `GET /sso/:provider/callback`: runs the provider's passport
 * strategy and leaves the result on `request.user` for the controller. An
 * unknown provider never reaches passport.
 */
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { SsoError } from './sso-errors.js';
import { SsoStrategies } from './sso.strategy.js';
import type { SsoLogin } from './sso.service.js';

export type SsoCallbackRequest = FastifyRequest<{ Params: { provider: string } }> & { user?: SsoLogin };

@Injectable()
export class SsoAuthGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly strategies: SsoStrategies,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<SsoCallbackRequest>();
    const provider = request.params.provider;
    if (!Object.hasOwn(this.config.sso, provider)) throw new SsoError('sso_unknown_provider', { provider });
    request.user = await this.strategies.authenticate(provider, request, context.switchToHttp().getResponse<FastifyReply>());
    return true;
  }
}
