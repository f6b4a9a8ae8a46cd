import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { ApiClientService, SCOPES } from '../../clients/api-client.service.js';
import { AuditLog } from '../../observability/audit-log.js';
import { CliOutput } from '../cli-output.js';
import { CommandGroup } from '../command-group.js';
import { parseList } from '../cli-parsers.js';

@SubCommand({ name: 'add', arguments: '<name>', description: 'Create an API client; its key is printed once and never stored' })
export class ClientsAddCommand extends CommandRunner {
  constructor(private readonly clients: ApiClientService, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run([name]: string[], options: { scopes?: string[]; bots?: string[] }): Promise<void> {
    return this.out.run(async () => {
      const { client, key } = await this.clients.add(name, options.scopes ?? [], options.bots);
      this.audit.record('client.add', { clientId: client.id, name: client.name, scopes: client.scopes, bots: client.bots ?? 'all', actor: 'cli' });
      this.out.result({ client, key }, (d) =>
        [
          `client ${d.client.id} (${d.client.name}) scopes ${d.client.scopes.join(',')} bots ${d.client.bots?.join(',') ?? '(all)'}`,
          `API key (shown once, store it now): ${d.key}`,
        ].join('\n'),
      );
    });
  }
  @Option({ flags: '--scopes <list>', description: `comma-separated: ${SCOPES.join(', ')}`, required: true })
  parseScopes(value: string): string[] {
    return parseList(value);
  }
  @Option({ flags: '--bots <list>', description: 'comma-separated bots from the config this key may act for (default: every bot)' })
  parseBots(value: string): string[] {
    return parseList(value);
  }
}

@SubCommand({ name: 'list', description: 'List API clients (never their keys)' })
export class ClientsListCommand extends CommandRunner {
  constructor(private readonly clients: ApiClientService, private readonly out: CliOutput) {
    super();
  }
  run(): Promise<void> {
    return this.out.run(() => {
      const clients = this.clients.list();
      this.out.result({ clients }, (d) =>
        this.out.table(
          d.clients.map((c) => ({ ...c, bots: c.bots ?? '(all)' })),
          ['id', 'name', 'scopes', 'bots', 'createdAt', 'revokedAt'],
        ),
      );
    });
  }
}

@SubCommand({ name: 'revoke', arguments: '<id>', description: 'Revoke an API client; every instance refuses its key within a second' })
export class ClientsRevokeCommand extends CommandRunner {
  constructor(private readonly clients: ApiClientService, private readonly audit: AuditLog, private readonly out: CliOutput) {
    super();
  }
  run([id]: string[]): Promise<void> {
    return this.out.run(async () => {
      const client = await this.clients.revoke(id);
      this.audit.record('client.revoke', { clientId: id, actor: 'cli' });
      this.out.result({ client }, (d) => `client ${d.client.id} revoked at ${d.client.revokedAt}`);
    });
  }
}

@Command({
  name: 'clients',
  description: 'API clients for webhook handlers and sites: add, list, revoke',
  subCommands: [ClientsAddCommand, ClientsListCommand, ClientsRevokeCommand],
})
export class ClientsCommand extends CommandGroup {}
