import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { appError } from '../../common/error-catalog.js';
import { AuditLog } from '../../observability/audit-log.js';
import { SecretStore, type SecretInfo } from '../../secrets/secret.store.js';
import { CliOutput } from '../cli-output.js';
import { parseInteger } from '../cli-parsers.js';
import { CommandGroup } from '../command-group.js';

const COLUMNS = ['id', 'source', 'state', 'createdAt', 'retireAt'];

/** The secret piped on stdin, without the one trailing newline `echo` or a file adds (a PEM key keeps its inner lines). */
async function readSecretFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function describe(secret: SecretInfo): string {
  const until = secret.retireAt ? ` until ${secret.retireAt}` : '';
  return `secret ${secret.id} of bot ${secret.bot} (${secret.state}${until})`;
}

interface AddOptions {
  stdin?: boolean;
  generate?: boolean;
}

@SubCommand({
  name: 'add',
  arguments: '<bot>',
  description: "Add a webhook secret to a bot: --stdin for one the vendor gave you, --generate for a new one (printed once). It verifies on every instance within a second; the others stay live",
})
export class SecretsAddCommand extends CommandRunner {
  constructor(private readonly secrets: SecretStore, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run([bot]: string[], options: AddOptions): Promise<void> {
    return this.out.run(async () => {
      if (options.stdin === options.generate) {
        throw appError('secret_source', { detail: 'say where the secret comes from: --stdin (pipe in the secret the vendor gave you) or --generate' });
      }
      const value = options.stdin ? await readSecretFromStdin() : undefined;
      const added = await this.secrets.add(bot, value);
      this.audit.record('secret.add', { bot, secretId: added.secret.id, generated: options.generate === true, actor: 'cli' });
      // Only a generated value is printed: a piped one is already known to the operator.
      const data = options.generate ? { secret: added.secret, value: added.value } : { secret: added.secret };
      this.out.result(data, (d) =>
        'value' in d
          ? [`added ${describe(d.secret)}`, `Secret (shown once, enter it in the vendor's console now): ${d.value}`].join('\n')
          : `added ${describe(d.secret)}`,
      );
    });
  }
  @Option({ flags: '--stdin', description: 'read the secret (or the vendor public key, PEM) from stdin' })
  parseStdin(): boolean {
    return true;
  }
  @Option({ flags: '--generate', description: 'generate a secret in the format the scheme expects (standard-webhooks: whsec_…) and print it once' })
  parseGenerate(): boolean {
    return true;
  }
}

@SubCommand({ name: 'list', arguments: '<bot>', description: "List a bot's webhook secrets: ids, dates and state (never their values)" })
export class SecretsListCommand extends CommandRunner {
  constructor(private readonly secrets: SecretStore, private readonly out: CliOutput) {
    super();
  }
  run([bot]: string[]): Promise<void> {
    return this.out.run(() => {
      const secrets = this.secrets.list(bot);
      this.out.result({ bot, secrets }, (d) => this.out.table(d.secrets as unknown as Array<Record<string, unknown>>, COLUMNS));
    });
  }
}

@SubCommand({
  name: 'retire',
  arguments: '<bot> <id>',
  description: 'Stop accepting a secret added with the CLI, now or --after SECONDS (both old and new verify meanwhile)',
})
export class SecretsRetireCommand extends CommandRunner {
  constructor(private readonly secrets: SecretStore, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run([bot, id]: string[], options: { after?: number }): Promise<void> {
    return this.out.run(async () => {
      const { secret, remaining } = await this.secrets.retire(bot, id, options.after ?? 0);
      this.audit.record('secret.retire', { bot, secretId: secret.id, retireAt: secret.retireAt, actor: 'cli' });
      this.out.result({ secret, remaining }, (d) => {
        const lines = [`${describe(d.secret)}`];
        if (d.remaining === 0) lines.push(`warning: bot ${bot} has no other live secret: its webhooks fail once this one retires, until you add one`);
        return lines.join('\n');
      });
    });
  }
  @Option({ flags: '--after <seconds>', description: 'keep accepting the secret this many seconds (the overlap while the vendor switches); default 0' })
  parseAfter(value: string): number {
    return parseInteger(value, '--after');
  }
}

@Command({
  name: 'secrets',
  description: 'Vendor webhook secrets of a bot, several live at once for rotation: add, list, retire',
  subCommands: [SecretsAddCommand, SecretsListCommand, SecretsRetireCommand],
})
export class SecretsCommand extends CommandGroup {}
