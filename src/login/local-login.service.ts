/**
 * Password login against the local user directory. Unknown user, wrong
 * password and disabled user all end in the same `login_failed` error after
 * the same work (one argon2id verify), so neither the message nor the timing
 * tells an attacker which accounts exist. Lockout is checked first and
 * counted on every failure.
 */
import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { appError } from '../common/error-catalog.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AuditLog } from '../observability/audit-log.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { normalizeUsername, UsersService } from '../users/users.service.js';
import { accountId, clientId, LockoutService } from './lockout.service.js';

export interface AuthenticatedUser {
  subject: string;
  roles: string[];
  /** The user's profile attributes, for the bot's identity proofs. */
  attributes?: Record<string, string>;
}

@Injectable()
export class LocalLoginService implements OnModuleInit {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly lockout: LockoutService,
    private readonly audit: AuditLog,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  onModuleInit(): void {
    this.hasher.prepare();
  }

  async authenticate(rawUsername: string, password: string, ip: string, bot: string): Promise<AuthenticatedUser> {
    const username = normalizeUsername(rawUsername);
    await this.lockout.assertAllowed(username, ip);
    const user = this.users.find(username);
    const matches = user ? await this.hasher.verify(user.passwordHash, password) : await this.hasher.verifyAgainstDummy(password);
    if (!user || !matches || user.disabled) {
      // The username itself is not logged: people type their password into it by mistake.
      const reason = !user ? 'unknown_user' : !matches ? 'wrong_password' : 'disabled';
      this.audit.record('login.failure', { method: 'pwd', account: accountId(username), reason, ip: clientId(ip), bot });
      this.metrics?.loginFailure(reason);
      await this.lockout.recordFailure(username, ip);
      throw appError('login_failed');
    }
    await this.lockout.recordSuccess(username, ip);
    return { subject: user.username, roles: user.roles, ...(user.attributes !== undefined && { attributes: user.attributes }) };
  }
}
