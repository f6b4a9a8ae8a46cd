import { Module } from '@nestjs/common';
import { ApiClientService } from './api-client.service.js';
import { ApiKeyGuard } from './api-key.guard.js';

@Module({
  providers: [ApiClientService, ApiKeyGuard],
  exports: [ApiClientService, ApiKeyGuard],
})
export class ClientsModule {}
