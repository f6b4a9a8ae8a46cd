/**
 * Local password login as a passport strategy (`local-password`), so the SSO
 * strategies sit next to it and POST /login reads like any guarded route.
 * Order matters: the form token is consumed first (a replay never reaches
 * the password check), then lockout, then the uniform password check.
 */
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { AppError } from '../common/app-error.js';
import { appError } from '../common/error-catalog.js';
import { AppConfig } from '../config/app-config.js';
import { FormTokenService, type LoginFormState } from './form-token.service.js';
import { LocalLoginService, passwordLoginEnabled, type AuthenticatedUser } from './local-login.service.js';
import { LoginAttemptError, parseLoginForm } from './login-form.js';

export const LOCAL_PASSWORD_STRATEGY = 'local-password';

export interface PasswordLogin extends AuthenticatedUser {
  state: LoginFormState;
}

@Injectable()
export class LocalPasswordStrategy extends PassportStrategy(Strategy, LOCAL_PASSWORD_STRATEGY) {
  constructor(
    private readonly config: AppConfig,
    private readonly forms: FormTokenService,
    private readonly login: LocalLoginService,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<PasswordLogin> {
    if (!passwordLoginEnabled(this.config)) throw appError('password_login_disabled', { detail: 'neither login.local nor login.directory is on in the config' });
    const form = parseLoginForm(request.headers['content-type'], request.body);
    const state = await this.forms.take(form.formToken);
    if (!state) throw new LoginAttemptError(appError('form_expired'), { form });
    try {
      const user = await this.login.authenticate(form.username, form.password, request.ip, state.bot);
      return { ...user, state };
    } catch (error) {
      if (error instanceof AppError) throw new LoginAttemptError(error, { state, form: { username: form.username } });
      throw error;
    }
  }
}
