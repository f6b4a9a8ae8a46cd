import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { AppConfig } from '../../config/app-config.js';
import { RevocationService } from '../../sessions/revocation.service.js';
import { CliOutput } from '../cli-output.js';
import { requireSharedStore } from '../live-store.js';
import { CommandGroup } from '../command-group.js';

@SubCommand({ name: 'revoke', description: 'End one session (--session SID) or all of a user\'s (--user SUBJECT [--bot BOT]) on every instance now' })
export class SessionsRevokeCommand extends CommandRunner {
  constructor(private readonly revocation: RevocationService, private readonly config: AppConfig, private readonly out: CliOutput) {
    super();
  }
  run(_args: string[], options: { session?: string; user?: string; bot?: string }): Promise<void> {
    return this.out.run(async () => {
      requireSharedStore(this.config, 'revoke sessions', 'Revoke through the running service: POST /v1/sessions/revoke with an API key of scope revoke');
      const ended = await this.revocation.revoke({ sessionId: options.session, subject: options.user, bot: options.bot, actor: 'cli' });
      const sessionIds = ended.map((s) => s.sessionId);
      this.out.result({ revoked: ended.length, sessionIds }, (d) => `revoked ${d.revoked} session(s)${d.revoked ? `: ${d.sessionIds.join(', ')}` : ''}`);
    });
  }
  @Option({ flags: '--session <sid>', description: 'session id (sid claim)' })
  parseSession(value: string): string {
    return value;
  }
  @Option({ flags: '--user <subject>', description: 'every session of this subject' })
  parseUser(value: string): string {
    return value;
  }
  @Option({ flags: '--bot <bot>', description: 'with --user: only this bot\'s sessions' })
  parseBot(value: string): string {
    return value;
  }
}

@Command({ name: 'sessions', description: 'Sessions: revoke', subCommands: [SessionsRevokeCommand] })
export class SessionsCommand extends CommandGroup {}
