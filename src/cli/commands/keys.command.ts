import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { AuditLog } from '../../observability/audit-log.js';
import { DEFAULT_ACTIVATION_DELAY_SECONDS, MIN_ACTIVATION_DELAY_SECONDS, TokenKeyAdmin } from '../../keys/token-key-admin.service.js';
import { CliOutput } from '../cli-output.js';
import { CommandGroup } from '../command-group.js';
import { parseInteger } from '../cli-parsers.js';

const COLUMNS = ['kid', 'state', 'activatesAt', 'retiringSince'];

@SubCommand({ name: 'list', description: 'List token keys and their state (pending, active, retiring)' })
export class KeysListCommand extends CommandRunner {
  constructor(private readonly keys: TokenKeyAdmin, private readonly out: CliOutput) {
    super();
  }
  run(): Promise<void> {
    return this.out.run(() => {
      const keys = this.keys.list();
      this.out.result({ keys }, (d) => this.out.table(d.keys as unknown as Array<Record<string, unknown>>, COLUMNS));
    });
  }
}

@SubCommand({
  name: 'rotate',
  description: `Add a new key that becomes active after a delay (default ${DEFAULT_ACTIVATION_DELAY_SECONDS}s, at least ${MIN_ACTIVATION_DELAY_SECONDS}s) so every instance loads it first; the old key keeps decrypting`,
})
export class KeysRotateCommand extends CommandRunner {
  constructor(private readonly keys: TokenKeyAdmin, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run(_args: string[], options: { activateIn?: number }): Promise<void> {
    return this.out.run(async () => {
      const key = await this.keys.rotate(options.activateIn ?? DEFAULT_ACTIVATION_DELAY_SECONDS);
      this.audit.record('key.rotate', { kid: key.kid, activatesAt: key.activatesAt, actor: 'cli' });
      this.out.result({ key }, (d) => `new key ${d.key.kid} is pending; it becomes active at ${d.key.activatesAt}`);
    });
  }
  @Option({ flags: '--activate-in <seconds>', description: 'seconds until the new key encrypts' })
  parseActivateIn(value: string): number {
    return parseInteger(value, '--activate-in');
  }
}

@SubCommand({ name: 'retire', arguments: '<kid>', description: 'Stop encrypting with a pending or superseded key; it still decrypts until its tokens expire' })
export class KeysRetireCommand extends CommandRunner {
  constructor(private readonly keys: TokenKeyAdmin, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run([kid]: string[]): Promise<void> {
    return this.out.run(async () => {
      const key = await this.keys.retire(kid);
      this.audit.record('key.retire', { kid, actor: 'cli' });
      this.out.result({ key }, (d) => `key ${d.key.kid} is retiring since ${d.key.retiringSince}`);
    });
  }
}

@SubCommand({ name: 'prune', description: 'Remove retiring keys whose tokens have all expired' })
export class KeysPruneCommand extends CommandRunner {
  constructor(private readonly keys: TokenKeyAdmin, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run(): Promise<void> {
    return this.out.run(async () => {
      const removed = await this.keys.prune();
      if (removed.length > 0) this.audit.record('key.prune', { kids: removed, actor: 'cli' });
      this.out.result({ removed }, (d) => (d.removed.length ? `removed ${d.removed.join(', ')}` : 'nothing to prune'));
    });
  }
}

@Command({
  name: 'keys',
  description: 'Token encryption keys: list, rotate, retire, prune',
  subCommands: [KeysListCommand, KeysRotateCommand, KeysRetireCommand, KeysPruneCommand],
})
export class KeysCommand extends CommandGroup {}
