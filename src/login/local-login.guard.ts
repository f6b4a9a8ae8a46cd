import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { appError } from '../common/error-catalog.js';
import { LOCAL_PASSWORD_STRATEGY } from './local-password.strategy.js';

/** Runs the local-password strategy; its errors reach LoginPageFilter unchanged (no generic 401). */
@Injectable()
export class LocalLoginGuard extends AuthGuard(LOCAL_PASSWORD_STRATEGY) {
  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) throw error;
    if (!user) throw appError('login_failed');
    return user;
  }
}
