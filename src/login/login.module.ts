import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { DirectoryModule } from '../directory/directory.module.js';
import { EmbedModule } from '../embed/embed.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AssetsController } from './assets.controller.js';
import { BotOriginService } from './bot-origin.service.js';
import { FormTokenService } from './form-token.service.js';
import { LocalLoginGuard } from './local-login.guard.js';
import { LocalLoginService } from './local-login.service.js';
import { LocalPasswordStrategy } from './local-password.strategy.js';
import { LockoutService } from './lockout.service.js';
import { LoginCompletionService } from './login-completion.service.js';
import { LoginErrorPageHook } from './login-error-page.hook.js';
import { LoginPageFilter } from './login-page.filter.js';
import { LoginPageService } from './login-page.service.js';
import { LoginController } from './login.controller.js';

/**
 * The browser login flow: GET/POST /login with local users, the page assets,
 * lockout, single-use form tokens and the host page's embed.js. Exports what other login methods (SSO)
 * build on: the bot/origin check, the login page service (error pages) and
 * the completion that issues the token and hands it to the host site.
 */
@Module({
  imports: [PassportModule, TokensModule, UsersModule, EmbedModule, DirectoryModule],
  controllers: [LoginController, AssetsController],
  providers: [
    BotOriginService,
    FormTokenService,
    LockoutService,
    LocalLoginService,
    LocalPasswordStrategy,
    LocalLoginGuard,
    LoginPageService,
    LoginPageFilter,
    LoginCompletionService,
    LoginErrorPageHook,
  ],
  exports: [BotOriginService, LoginCompletionService, LoginPageService, LockoutService],
})
export class LoginModule {}
