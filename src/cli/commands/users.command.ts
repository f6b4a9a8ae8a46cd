import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { AppConfig } from '../../config/app-config.js';
import { AuditLog } from '../../observability/audit-log.js';
import type { UserInfo } from '../../users/users.service.js';
import { UsersService } from '../../users/users.service.js';
import { CliOutput } from '../cli-output.js';
import { parseList } from '../cli-parsers.js';
import { CommandGroup } from '../command-group.js';

/** The password piped on stdin, without the one trailing newline `echo` or a file adds. */
async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function describeUser(user: UserInfo): string {
  return `user ${user.username} (roles ${user.roles.join(',') || '-'})${user.disabled ? ' disabled' : ''}`;
}

function withGenerated(line: string, password?: string): string {
  return password === undefined ? line : `${line}\nPassword (shown once, give it to the user now): ${password}`;
}

interface PasswordOptions {
  passwordStdin?: boolean;
}

@SubCommand({
  name: 'add',
  arguments: '<username>',
  description: 'Add a local user; without --password-stdin a password is generated and printed once',
})
export class UsersAddCommand extends CommandRunner {
  constructor(private readonly users: UsersService, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run([username]: string[], options: PasswordOptions & { roles?: string[] }): Promise<void> {
    return this.out.run(async () => {
      const password = options.passwordStdin ? await readPasswordFromStdin() : undefined;
      const { user, generatedPassword } = await this.users.add(username, options.roles ?? [], password);
      this.audit.record('user.change', { username: user.username, change: 'add', roles: user.roles, actor: 'cli' });
      this.out.result({ user, ...(generatedPassword !== undefined && { password: generatedPassword }) }, (d) =>
        withGenerated(`added ${describeUser(d.user)}`, d.password),
      );
    });
  }
  @Option({ flags: '--roles <list>', description: 'comma-separated roles from the config', required: true })
  parseRoles(value: string): string[] {
    return parseList(value);
  }
  @Option({ flags: '--password-stdin', description: 'read the password from stdin instead of generating one' })
  parsePasswordStdin(): boolean {
    return true;
  }
}

@SubCommand({ name: 'passwd', arguments: '<username>', description: 'Set a new password (generated and printed once unless --password-stdin)' })
export class UsersPasswdCommand extends CommandRunner {
  constructor(private readonly users: UsersService, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run([username]: string[], options: PasswordOptions): Promise<void> {
    return this.out.run(async () => {
      const password = options.passwordStdin ? await readPasswordFromStdin() : undefined;
      const { user, generatedPassword } = await this.users.setPassword(username, password);
      this.audit.record('user.change', { username: user.username, change: 'passwd', actor: 'cli' });
      this.out.result({ user, ...(generatedPassword !== undefined && { password: generatedPassword }) }, (d) =>
        withGenerated(`new password set for ${describeUser(d.user)}`, d.password),
      );
    });
  }
  @Option({ flags: '--password-stdin', description: 'read the password from stdin instead of generating one' })
  parsePasswordStdin(): boolean {
    return true;
  }
}

@SubCommand({ name: 'disable', arguments: '<username>', description: 'Refuse logins of a user (existing sessions: see `sessions revoke --user`)' })
export class UsersDisableCommand extends CommandRunner {
  constructor(private readonly users: UsersService, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run([username]: string[]): Promise<void> {
    return this.out.run(async () => {
      const user = await this.users.setDisabled(username, true);
      this.audit.record('user.change', { username: user.username, change: 'disable', actor: 'cli' });
      this.out.result({ user }, (d) => `disabled ${describeUser(d.user)}`);
    });
  }
}

@SubCommand({ name: 'enable', arguments: '<username>', description: 'Allow logins of a disabled user again' })
export class UsersEnableCommand extends CommandRunner {
  constructor(private readonly users: UsersService, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run([username]: string[]): Promise<void> {
    return this.out.run(async () => {
      const user = await this.users.setDisabled(username, false);
      this.audit.record('user.change', { username: user.username, change: 'enable', actor: 'cli' });
      this.out.result({ user }, (d) => `enabled ${describeUser(d.user)}`);
    });
  }
}

@SubCommand({ name: 'remove', arguments: '<username>', description: 'Delete a user from the users file' })
export class UsersRemoveCommand extends CommandRunner {
  constructor(private readonly users: UsersService, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run([username]: string[]): Promise<void> {
    return this.out.run(async () => {
      const user = await this.users.remove(username);
      this.audit.record('user.change', { username: user.username, change: 'remove', actor: 'cli' });
      this.out.result({ removed: user }, (d) => `removed ${describeUser(d.removed)}`);
    });
  }
}

@SubCommand({ name: 'list', description: 'List the users of the users file (never their password hashes; directory users are not listed)' })
export class UsersListCommand extends CommandRunner {
  constructor(private readonly users: UsersService, private readonly out: CliOutput, private readonly config: AppConfig) {
    super();
  }
  run(): Promise<void> {
    return this.out.run(() => {
      const users = this.users.list();
      // With login.directory on, most people who can sign in are not here: say so rather than look complete.
      const note = this.config.login.directory ? '\n(the users file only: users of login.directory are managed in the directory)' : '';
      this.out.result({ users }, (d) =>
        this.out.table(d.users as unknown as Array<Record<string, unknown>>, ['username', 'roles', 'disabled', 'createdAt', 'updatedAt']) + note,
      );
    });
  }
}

@Command({
  name: 'users',
  description: 'Local users of the login page (the users file only; directory users are managed in the directory): add, passwd, disable, enable, remove, list',
  subCommands: [UsersAddCommand, UsersPasswdCommand, UsersDisableCommand, UsersEnableCommand, UsersRemoveCommand, UsersListCommand],
})
export class UsersCommand extends CommandGroup {}
