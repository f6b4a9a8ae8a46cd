import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { IntrospectionController } from './introspection.controller.js';
import { TokenService } from './token.service.js';
import { TokensController } from './tokens.controller.js';
import { VerifyController } from './verify.controller.js';

@Module({
  imports: [KeysModule, SessionsModule],
  controllers: [VerifyController, TokensController, IntrospectionController],
  providers: [TokenService],
  exports: [TokenService],
})
export class TokensModule {}
