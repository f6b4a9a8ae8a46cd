import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ClientsModule } from '../clients/clients.module.js';
import type { ChatwardenConfig } from '../config/config.schema.js';
import { CoreModule } from '../core.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { SecretsModule } from '../secrets/secrets.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { CliOutput } from './cli-output.js';
import * as clients from './commands/clients.command.js';
import * as configCommands from './commands/config.command.js';
import * as keys from './commands/keys.command.js';
import * as secrets from './commands/secrets.command.js';
import * as sessions from './commands/sessions.command.js';
import * as tokens from './commands/tokens.command.js';
import * as users from './commands/users.command.js';

const COMMANDS = [keys, clients, tokens, sessions, users, secrets, configCommands].flatMap((group) => Object.values(group));

/** The admin CLI: the same services as HTTP, without the HTTP server. */
@Module({})
export class CliModule {
  static forRoot(config: ChatwardenConfig, logger: Logger): DynamicModule {
    return {
      module: CliModule,
      imports: [CoreModule.forRoot(config, logger), KeysModule, ClientsModule, SessionsModule, TokensModule, UsersModule, SecretsModule, DirectoryModule],
      providers: [CliOutput, ...COMMANDS],
    };
  }
}
