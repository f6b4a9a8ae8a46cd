/**
 * SSO as passport strategies (`@nestjs/passport` + passport-custom), one per
 * configured provider and named after it (`sso-corp`), beside the local
 * password strategy. The strategy only authenticates the callback; the
 * rules are in SsoService.authenticate.
 *
 * The strategies live in a passport instance of their own rather than the
 * process-wide one: two chatwarden apps in one process (multi-instance
 * tests) must each reach their own SsoService and store.
 */
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import passport from 'passport';
import CustomStrategy from 'passport-custom';
import { AppConfig } from '../config/app-config.js';
import { SsoError } from './sso-errors.js';
import { SsoService, type SsoLogin } from './sso.service.js';

export function ssoStrategyName(provider: string): string {
  return `sso-${provider}`;
}

function createSsoStrategy(provider: string, sso: SsoService, registry: passport.Authenticator): void {
  class SsoStrategy extends PassportStrategy(CustomStrategy, ssoStrategyName(provider)) {
    // The mixin's constructor registers the strategy on what this returns (not in its typings): the closure's registry.
    getPassportInstance(): passport.Authenticator {
      return registry;
    }

    validate(request: FastifyRequest): Promise<SsoLogin> {
      return sso.authenticate(provider, request.query, request.headers.cookie);
    }
  }
  new SsoStrategy();
}

@Injectable()
export class SsoStrategies {
  private readonly registry = new passport.Authenticator();

  constructor(config: AppConfig, sso: SsoService) {
    for (const provider of Object.keys(config.sso)) createSsoStrategy(provider, sso, this.registry);
  }

  /** Runs the provider's strategy on the callback request; rejects with the SsoError that stopped it. */
  authenticate(provider: string, request: FastifyRequest, reply: FastifyReply): Promise<SsoLogin> {
    const name = ssoStrategyName(provider);
    return new Promise((resolve, reject) => {
      // No session: the result is a token handed to the host page, not a cookie login here.
      const middleware = this.registry.authenticate(name, { session: false }, (error: unknown, login: SsoLogin | false) => {
        if (error) reject(error);
        else if (login) resolve(login);
        else reject(new SsoError('sso_failed', { provider }, 'strategy refused without a reason'));
      }) as (request: unknown, reply: unknown, next: (error?: unknown) => void) => void;
      middleware(request, reply, (error?: unknown) => reject(error ?? new SsoError('sso_failed', { provider })));
    });
  }
}
