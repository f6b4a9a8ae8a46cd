import { Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { ROOT_LOGGER } from '../core.module.js';
import { Directory, NoDirectory } from './directory.js';

/** The Directory port: LDAP through ldapts when `login.directory` is configured, NoDirectory otherwise. */
@Module({
  providers: [
    {
      provide: Directory,
      useFactory: async (config: AppConfig, logger: Logger): Promise<Directory> => {
        const settings = config.login.directory;
        if (settings === undefined) return new NoDirectory();
        // The LDAP client is loaded only by a configuration that has a directory.
        const { LdaptsDirectory } = await import('./ldapts.adapter.js');
        const log = logger.child({ component: 'directory' });
        return new LdaptsDirectory(settings, (message, fields) => log.warn(fields, message));
      },
      inject: [AppConfig, ROOT_LOGGER],
    },
  ],
  exports: [Directory],
})
export class DirectoryModule implements OnApplicationShutdown {
  constructor(private readonly directory: Directory) {}

  async onApplicationShutdown(): Promise<void> {
    await this.directory.close();
  }
}
