import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module.js';
import { ChatVariablePort } from '../tokens/chat-variable.port.js';
import { chatApiProviders } from './chat-api.registry.js';
import { ChatVariableService } from './chat-variable.service.js';

/** Server-side hidden chat variables (SPEC.md step 3): one adapter per vendor behind the ChatApi port. */
@Module({
  imports: [SessionsModule],
  providers: [...chatApiProviders, ChatVariableService, { provide: ChatVariablePort, useExisting: ChatVariableService }],
  exports: [ChatVariablePort],
})
export class ChatModule {}
