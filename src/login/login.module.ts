import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module.js';
import { BotOriginService } from './bot-origin.service.js';
import { LoginCompletionService } from './login-completion.service.js';

/**
 * The browser login flow. Exports what other login methods (SSO) build on:
 * the bot/origin check and the completion that issues the token and renders
 * the page handing it to the host site.
 */
@Module({
  imports: [TokensModule],
  providers: [BotOriginService, LoginCompletionService],
  exports: [BotOriginService, LoginCompletionService],
})
export class LoginModule {}
