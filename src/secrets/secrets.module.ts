import { Module } from '@nestjs/common';
import { WebhookSecretSource } from '../signatures/webhook-secret-source.js';
import { SecretStore } from './secret.store.js';

/** Vendor webhook secrets: the source SignatureService reads and the store `chatwarden secrets` writes. */
@Module({
  providers: [SecretStore, { provide: WebhookSecretSource, useExisting: SecretStore }],
  exports: [SecretStore, WebhookSecretSource],
})
export class SecretsModule {}
