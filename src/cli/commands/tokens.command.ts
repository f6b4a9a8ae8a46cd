import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { AppConfig } from '../../config/app-config.js';
import { TokenService } from '../../tokens/token.service.js';
import { CliOutput } from '../cli-output.js';
import { requireSharedStore, sharesStoreWithService } from '../live-store.js';
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
      // The session would live only in this process: a token no instance accepts.
      requireSharedStore(this.config, 'issue a token', 'Issue through the running service: POST /v1/tokens with an API key of scope issue');
      const issued = await this.tokens.issue({
        bot: options.bot,
        subject: options.subject,
        roles: options.roles,
        permissions: options.permissions,
        ttlSeconds: options.ttl,
        conversationId: options.conversation,
        amr: 'trusted',
      });
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

/** `tokens inspect` with a memory:// store: the claims are known, whether the session lives is not. */
export const SESSION_UNKNOWN = 'session_unknown';

@SubCommand({
  name: 'inspect',
  arguments: '<token>',
  description: 'Decrypt a token and show its claims and whether its session is live (with a memory:// store the session state is unknown: exit 1)',
})
export class TokensInspectCommand extends CommandRunner {
  constructor(private readonly tokens: TokenService, private readonly config: AppConfig, private readonly out: CliOutput) {
    super();
  }
  run([token]: string[]): Promise<void> {
    return this.out.run(async () => {
      const { claims, kid } = await this.tokens.inspect(token);
      let status = 'valid';
      let note: string | undefined;
      if (!sharesStoreWithService(this.config)) {
        // Only the running service knows its sessions; saying "revoked" or "valid" here would be a guess.
        status = SESSION_UNKNOWN;
        note =
          'the store is memory://: the session lives inside the running service, so whether it is still live is unknown here (ask the service: POST /v1/verify/token or /oauth/introspect)';
      } else {
        try {
          await this.tokens.verify(token);
        } catch (error) {
          status = (error as { code?: string }).code ?? 'invalid';
        }
      }
      const data = { kid, status, ...(note !== undefined && { note }), claims, expiresAt: new Date(claims.exp * 1000).toISOString() };
      this.out.result(data, (d) =>
        [`status: ${d.status}`, ...(d.note !== undefined ? [`note: ${d.note}`] : []), `key: ${d.kid}`, `expires: ${d.expiresAt}`, JSON.stringify(d.claims, null, 2)].join('\n'),
      );
      if (status !== 'valid') process.exitCode = 1;
    });
  }
}

@Command({ name: 'tokens', description: 'User tokens: issue, inspect', subCommands: [TokensIssueCommand, TokensInspectCommand] })
export class TokensCommand extends CommandGroup {}
