import { Module } from '@nestjs/common';
import { Store } from '../store/store.js';
import { KeysDir } from './keys-dir.js';
import { KEYS_CHANGED_CHANNEL, TokenKeyAdmin } from './token-key-admin.service.js';
import { TokenKeyRing } from './token-key-ring.service.js';

@Module({
  providers: [
    {
      provide: TokenKeyRing,
      inject: [KeysDir, Store],
      useFactory: async (keysDir: KeysDir, store: Store) => {
        keysDir.ensure();
        const ring = new TokenKeyRing(keysDir);
        await ring.start();
        // The nudge makes rotation visible at once on every instance; the file watch and the
        // periodic check still cover a store that is down or a nudge that is lost.
        await store.subscribe(KEYS_CHANGED_CHANNEL, () => void ring.reloadIfChanged()).catch(() => undefined);
        return ring;
      },
    },
    TokenKeyAdmin,
  ],
  exports: [TokenKeyRing, TokenKeyAdmin],
})
export class KeysModule {}
