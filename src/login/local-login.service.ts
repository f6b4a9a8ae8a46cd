/**
 * Password login: the local users file, then the directory (`login.directory`)
 * for a name the file does not hold. Unknown user, wrong password, disabled
 * user (in either place), an ambiguous directory name and a blank password
 * all end in the same `login_failed` error, so neither the message nor the
 * timing tells an attacker which accounts exist (an unknown name costs one
 * argon2id verify while the users file is on, and a directory bind while the
 * directory is). Lockout is checked first and counted on every failure,
 * wherever the account lives. A directory that cannot answer is 503
 * `directory_unavailable`, not a failed attempt.
 */
import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { appError } from '../common/error-catalog.js';
import { AppConfig } from '../config/app-config.js';
import { Directory, DirectoryUnavailableError } from '../directory/directory.js';
import { directoryRoles } from '../directory/directory-roles.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AuditLog } from '../observability/audit-log.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { normalizeUsername, UsersService } from '../users/users.service.js';
import { accountId, clientId, LockoutService } from './lockout.service.js';

export interface AuthenticatedUser {
  subject: string;
  roles: string[];
  /** The user's profile attributes (users file `attributes`, or the directory's `profile` mapping), for the bot's identity proofs. */
  attributes?: Record<string, string>;
}

/** POST /login takes passwords when the users file or a directory is on. */
export function passwordLoginEnabled(config: Pick<AppConfig, 'login'>): boolean {
  return config.login.local || config.login.directory !== undefined;
}

type Check = { ok: true; user: AuthenticatedUser } | { ok: false; reason: string; source: 'file' | 'directory' };

@Injectable()
export class LocalLoginService implements OnModuleInit {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly lockout: LockoutService,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
    private readonly directory: Directory,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  onModuleInit(): void {
    this.hasher.prepare();
  }

  async authenticate(rawUsername: string, password: string, ip: string, bot: string): Promise<AuthenticatedUser> {
    const username = normalizeUsername(rawUsername);
    await this.lockout.assertAllowed(username, ip);
    const check = await this.check(username, password, ip, bot);
    if (!check.ok) {
      // The username itself is not logged: people type their password into it by mistake.
      const { reason, source } = check;
      this.audit.record('login.failure', { method: 'pwd', account: accountId(username), reason, source, ip: clientId(ip), bot });
      this.metrics?.loginFailure(reason);
      await this.lockout.recordFailure(username, ip);
      throw appError('login_failed');
    }
    await this.lockout.recordSuccess(username, ip);
    return check.user;
  }

  /** The users file decides for the names it holds; any other name goes to the directory when one is configured. */
  private async check(username: string, password: string, ip: string, bot: string): Promise<Check> {
    const user = this.config.login.local ? this.users.find(username) : undefined;
    if (user) {
      const matches = await this.hasher.verify(user.passwordHash, password);
      if (!matches || user.disabled) return { ok: false, reason: !matches ? 'wrong_password' : 'disabled', source: 'file' };
      return { ok: true, user: { subject: user.username, roles: user.roles, ...(user.attributes !== undefined && { attributes: user.attributes }) } };
    }
    if (this.config.login.local) await this.hasher.verifyAgainstDummy(password);
    const directory = this.config.login.directory;
    if (!this.directory.enabled || directory === undefined) return { ok: false, reason: 'unknown_user', source: 'file' };
    let answer;
    try {
      answer = await this.directory.authenticate(username, password);
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      // Not an attempt on the account: nothing is counted towards lockout. The adapter logged why.
      this.audit.record('login.failure', { method: 'pwd', account: accountId(username), reason: 'directory_unavailable', ip: clientId(ip), bot });
      this.metrics?.loginFailure('directory_unavailable');
      throw appError('directory_unavailable');
    }
    if (!answer.ok) return { ok: false, reason: answer.reason, source: 'directory' };
    return {
      ok: true,
      user: { subject: username, roles: directoryRoles(answer.user.groups, directory.roleMap, this.config.roles), attributes: answer.user.profile },
    };
  }
}
