import { DynamicModule, Module, type Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import type { ChatwardenConfig } from '../config/config.schema.js';
import { AuditLog } from '../observability/audit-log.js';
import { CliOutput } from './cli-output.js';

/**
 * Each command group and what it needs, loaded only when that group runs: a
 * call boots the Nest modules of its own group (plus the keys dir, the store
 * and the audit log), not the whole service. `config check` needs none of it.
 */
interface CommandGroupSpec {
  commands: () => Promise<Record<string, unknown>>;
  /** Feature modules; absent: the group runs on the config and the audit log alone. */
  modules?: () => Promise<Array<Type<unknown>>>;
}

const GROUPS: Record<string, CommandGroupSpec> = {
  keys: {
    commands: () => import('./commands/keys.command.js'),
    modules: async () => [(await import('../keys/keys.module.js')).KeysModule],
  },
  clients: {
    commands: () => import('./commands/clients.command.js'),
    modules: async () => [(await import('../clients/clients.module.js')).ClientsModule],
  },
  users: {
    commands: () => import('./commands/users.command.js'),
    modules: async () => [(await import('../users/users.module.js')).UsersModule],
  },
  secrets: {
    commands: () => import('./commands/secrets.command.js'),
    modules: async () => [(await import('../secrets/secrets.module.js')).SecretsModule],
  },
  sessions: {
    commands: () => import('./commands/sessions.command.js'),
    modules: async () => [(await import('../sessions/sessions.module.js')).SessionsModule],
  },
  tokens: {
    commands: () => import('./commands/tokens.command.js'),
    modules: async () => [(await import('../tokens/tokens.module.js')).TokensModule],
  },
  config: {
    commands: () => import('./commands/config.command.js'),
  },
};

export const CLI_GROUPS: readonly string[] = Object.keys(GROUPS);

/** The admin CLI: the same services as HTTP, without the HTTP server. */
@Module({})
export class CliModule {
  /** The module for one command group (a name of CLI_GROUPS). */
  static async forGroup(group: string, config: ChatwardenConfig, logger: Logger): Promise<DynamicModule> {
    const spec = Object.hasOwn(GROUPS, group) ? GROUPS[group] : undefined;
    if (!spec) throw new Error(`unknown command group '${group}'`);
    const commands = Object.values(await spec.commands()).filter((value): value is Type<unknown> => typeof value === 'function');
    if (!spec.modules) {
      return {
        module: CliModule,
        providers: [{ provide: AppConfig, useValue: config }, { provide: AuditLog, useFactory: () => new AuditLog(logger) }, CliOutput, ...commands],
      };
    }
    const [{ CoreModule }, modules] = await Promise.all([import('../core.module.js'), spec.modules()]);
    return {
      module: CliModule,
      imports: [CoreModule.forRoot(config, logger), ...modules],
      providers: [CliOutput, ...commands],
    };
  }
}
