/**
 * What every capability shares: the validated config, the keys dir, the
 * store, the root logger and the audit trail. Global, so feature modules just
 * inject them.
 */
import { DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from './config/app-config.js';
import type { ChatwardenConfig } from './config/config.schema.js';
import { KeysDir } from './keys/keys-dir.js';
import { MetricsService } from './metrics/metrics.service.js';
import { AuditLog } from './observability/audit-log.js';
import { Store } from './store/store.js';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(@Inject(Store) private readonly store: Store) {}

  static forRoot(config: ChatwardenConfig, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: ROOT_LOGGER, useValue: logger },
        { provide: KeysDir, useFactory: () => new KeysDir(config.keysDir) },
        {
          provide: Store,
          useFactory: async (metrics?: MetricsService) => {
            const options = {
              onError: (error: Error) => {
                metrics?.storeError();
                logger.warn({ err: { message: error.message } }, 'store connection problem');
              },
            };
            // Loaded on use: the Redis client is a good part of a CLI call's
            // start-up, and memory:// needs none of it.
            if (config.store === 'memory://') return new (await import('./store/memory.store.js')).MemoryStore(options);
            return (await import('./store/store.factory.js')).createStore(config.store, options);
          },
          inject: [{ token: MetricsService, optional: true }],
        },
        // AuditLog marks each line `audit: true` itself; a child binding would write the key twice.
        { provide: AuditLog, useFactory: () => new AuditLog(logger) },
      ],
      exports: [AppConfig, ROOT_LOGGER, KeysDir, Store, AuditLog],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
