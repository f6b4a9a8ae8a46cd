import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';
import { ApiKeyGuard } from './clients/api-key.guard.js';
import { ClientsModule } from './clients/clients.module.js';
import { ErrorFilter } from './common/error.filter.js';
import { MediaTypeGuard } from './common/media-type.guard.js';
import { createValidationPipe } from './common/validation.pipe.js';
import type { ChatwardenConfig } from './config/config.schema.js';
import { CoreModule } from './core.module.js';
import { DemoModule } from './demo/demo.module.js';
import { GatewayModule } from './gateway/gateway.module.js';
import { HealthModule } from './health/health.module.js';
import { LoginModule } from './login/login.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { SignaturesModule } from './signatures/signatures.module.js';
import { SiteModule } from './site/site.module.js';
import { SsoModule } from './sso/sso.module.js';
import { RedisPersistenceCheck } from './store/redis-persistence-check.js';
import { TokensModule } from './tokens/tokens.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({})
export class AppModule {
  /** `extraImports`: modules added beside the rest (tests give a stand-in JwtSigner this way). */
  static forRoot(config: ChatwardenConfig, logger: Logger, extraImports: DynamicModule[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, logger),
        MetricsModule,
        ClientsModule,
        TokensModule,
        HealthModule,
        LoginModule,
        SsoModule,
        SignaturesModule,
        WebhooksModule,
        GatewayModule,
        SiteModule,
        ...(config.devMode ? [DemoModule] : []),
        ...extraImports,
      ],
      providers: [
        // In this order: the API key before anything about the body (SPEC.md "Errors for integrators").
        { provide: APP_GUARD, useExisting: ApiKeyGuard },
        { provide: APP_GUARD, useClass: MediaTypeGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        RedisPersistenceCheck,
      ],
    };
  }
}
