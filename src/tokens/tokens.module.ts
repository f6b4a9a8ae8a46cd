import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { IntrospectionController } from './introspection.controller.js';
import { TokenService } from './token.service.js';
import { TokensController } from './tokens.controller.js';
import { VerifyTokenRoute } from './verify-token.route.js';

@Module({
  imports: [KeysModule, SessionsModule, ClientsModule, ChatModule, IdentityModule],
  controllers: [TokensController, IntrospectionController],
  providers: [TokenService, VerifyTokenRoute],
  exports: [TokenService],
})
export class TokensModule {}
