import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { SIGNING_ALGORITHMS } from '../crypto/signing-key.js';
import { AuditLog } from '../observability/audit-log.js';
import { Store } from '../store/store.js';
import { JwksController } from './jwks.controller.js';
import { JwtSigner } from './jwt-signer.js';
import { KeysAdmin } from './keys-admin.service.js';
import { KeysDir } from './keys-dir.js';
import { SigningKeyAdmin } from './signing-key-admin.service.js';
import { SigningKeyRing } from './signing-key-ring.service.js';
import { KEYS_CHANGED_CHANNEL, TokenKeyAdmin } from './token-key-admin.service.js';
import { TokenKeyRing } from './token-key-ring.service.js';

@Module({
  controllers: [JwksController],
  providers: [
    {
      provide: TokenKeyRing,
      inject: [KeysDir, Store, AuditLog],
      useFactory: async (keysDir: KeysDir, store: Store, audit: AuditLog) => {
        keysDir.ensure();
        const ring = new TokenKeyRing(keysDir, audit);
        await ring.start();
        // The nudge makes rotation and revocation visible at once on every instance; the file watch and
        // the periodic check still cover a store that is down or a nudge that is lost.
        await store.subscribe(KEYS_CHANGED_CHANNEL, () => void ring.reloadIfChanged()).catch(() => undefined);
        return ring;
      },
    },
    {
      provide: SigningKeyRing,
      inject: [KeysDir, Store, AuditLog, AppConfig],
      useFactory: async (keysDir: KeysDir, store: Store, audit: AuditLog, config: AppConfig) => {
        keysDir.ensure();
        const ring = new SigningKeyRing(keysDir, audit);
        // Dev mode makes one key per algorithm, as it makes the first token key; production waits for `keys rotate --signing`.
        await ring.start({ createMissing: config.devMode ? [...SIGNING_ALGORITHMS] : [] });
        await store.subscribe(KEYS_CHANGED_CHANNEL, () => void ring.reloadIfChanged()).catch(() => undefined);
        return ring;
      },
    },
    { provide: JwtSigner, useExisting: SigningKeyRing },
    TokenKeyAdmin,
    SigningKeyAdmin,
    KeysAdmin,
  ],
  exports: [TokenKeyRing, TokenKeyAdmin, SigningKeyRing, SigningKeyAdmin, KeysAdmin, JwtSigner],
})
export class KeysModule {}
