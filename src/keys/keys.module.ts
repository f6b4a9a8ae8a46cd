import { Module } from '@nestjs/common';
import { KeysDir } from './keys-dir.js';
import { TokenKeyAdmin } from './token-key-admin.service.js';
import { TokenKeyRing } from './token-key-ring.service.js';

@Module({
  providers: [
    {
      provide: TokenKeyRing,
      inject: [KeysDir],
      useFactory: async (keysDir: KeysDir) => {
        keysDir.ensure();
        const ring = new TokenKeyRing(keysDir);
        await ring.start();
        return ring;
      },
    },
    TokenKeyAdmin,
  ],
  exports: [TokenKeyRing, TokenKeyAdmin],
})
export class KeysModule {}
