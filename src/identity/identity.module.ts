import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module.js';
import { IdentityService } from './identity.service.js';

/**
 * Vendor identity proofs. Imports KeysModule for the JwtSigner the RS256
 * proofs use; IdentityService takes it as optional, so the app boots before
 * the signing key set is wired (only those proofs then refuse).
 */
@Module({
  imports: [KeysModule],
  providers: [IdentityService],
  exports: [IdentityService],
})
export class IdentityModule {}
