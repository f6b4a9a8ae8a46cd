import { Module, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { LoginModule } from '../login/login.module.js';
import { OidcAdapter } from './oidc.adapter.js';
import { SsoAuthGuard } from './sso-auth.guard.js';
import { ssoConfigProblems } from './sso-config.js';
import { SsoController } from './sso.controller.js';
import { SsoService } from './sso.service.js';
import { SsoStrategies } from './sso.strategy.js';

/** Login through OpenID Connect providers (`sso:` in the config), ending in the login flow's completion. */
@Module({
  imports: [LoginModule],
  controllers: [SsoController],
  providers: [OidcAdapter, SsoService, SsoStrategies, SsoAuthGuard],
})
export class SsoModule implements OnModuleInit {
  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    const problems = ssoConfigProblems(this.config);
    if (problems.length > 0) throw new Error(`Invalid SSO configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
