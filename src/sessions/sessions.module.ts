import { Module } from '@nestjs/common';
import { RevocationService } from './revocation.service.js';
import { SessionService } from './session.service.js';

@Module({
  providers: [SessionService, RevocationService],
  exports: [SessionService, RevocationService],
})
export class SessionsModule {}
