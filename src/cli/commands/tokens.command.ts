import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { AppConfig } from '../../config/app-config.js';
import { TokenService } from '../../tokens/token.service.js';
import { CliOutput } from '../cli-output.js';
import { CommandGroup } from '../command-group.js';
import { parseInteger, parseList } from '../cli-parsers.js';

interface IssueOptions {
  bot: string;
  subject: string;
  roles?: string[];
  permissions?: string[];
  ttl?: number;
  conversation?: string;
}

@SubCommand({ name: 'issue', description: 'Issue a token (for operators and tests; the session lives in the configured store)' })
export class TokensIssueCommand extends CommandRunner {
  constructor(private readonly tokens: TokenService, private readonly config: AppConfig, private readonly out: CliOutput) {
    super();
  }
  run(_args: string[], options: IssueOptions): Promise<void> {
    return this.out.run(async () => {
      const issued = await this.tokens.issue({
        bot: options.bot,
        subject: options.subject,
        roles: options.roles,
        permissions: options.permissions,
        ttlSeconds: options.ttl,
        conversationId: options.conversation,
        amr: 'trusted',
      });
      if (this.config.store === 'memory://') {
        process.stderr.write('warning: the store is memory://, so this session lives only in this CLI process; point the CLI at the service\'s Redis store for a token the service accepts\n');
      }
      this.out.result(issued, (d) => `${d.token}\n(session ${d.sessionId}, expires ${d.expiresAt})`);
    });
  }
  @Option({ flags: '--bot <bot>', description: 'bot id from the config', required: true })
  parseBot(value: string): string {
    return value;
  }
  @Option({ flags: '--subject <subject>', description: 'user id', required: true })
  parseSubject(value: string): string {
    return value;
  }
  @Option({ flags: '--roles <list>', description: 'comma-separated roles from the config' })
  parseRoles(value: string): string[] {
    return parseList(value);
  }
  @Option({ flags: '--permissions <list>', description: 'comma-separated permissions' })
  parsePermissions(value: string): string[] {
    return parseList(value);
  }
  @Option({ flags: '--ttl <seconds>', description: 'shorter lifetime than tokens.ttlSeconds' })
  parseTtl(value: string): number {
    return parseInteger(value, '--ttl');
  }
  @Option({ flags: '--conversation <id>', description: 'bind the token to a conversation' })
  parseConversation(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'inspect', arguments: '<token>', description: 'Decrypt a token and show its claims and whether its session is live' })
export class TokensInspectCommand extends CommandRunner {
  constructor(private readonly tokens: TokenService, private readonly out: CliOutput) {
    super();
  }
  run([token]: string[]): Promise<void> {
    return this.out.run(async () => {
      const { claims, kid } = await this.tokens.inspect(token);
      let status = 'valid';
      try {
        await this.tokens.verify(token);
      } catch (error) {
        status = (error as { code?: string }).code ?? 'invalid';
      }
      const data = { kid, status, claims, expiresAt: new Date(claims.exp * 1000).toISOString() };
      this.out.result(data, (d) => `status: ${d.status}\nkey: ${d.kid}\nexpires: ${d.expiresAt}\n${JSON.stringify(d.claims, null, 2)}`);
      if (status !== 'valid') process.exitCode = 1;
    });
  }
}

@Command({ name: 'tokens', description: 'User tokens: issue, inspect', subCommands: [TokensIssueCommand, TokensInspectCommand] })
export class TokensCommand extends CommandGroup {}
