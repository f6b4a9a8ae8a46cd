import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { SecretsModule } from '../secrets/secrets.module.js';
import { SignatureCheckService } from './signature-check.service.js';
import { SignatureService } from './signature.service.js';
import { verifierRegistryProvider } from './verifier-registry.js';
import { VerifySignatureRoute } from './verify-signature.route.js';
import { WebhookConfigsService } from './webhook-configs.service.js';

/** Webhook signature verification: the scheme verifiers, the bots' settings and `POST /v1/verify/signature`. */
@Module({
  imports: [SecretsModule, ClientsModule],
  providers: [verifierRegistryProvider, SignatureService, WebhookConfigsService, SignatureCheckService, VerifySignatureRoute],
  exports: [SignatureCheckService, WebhookConfigsService],
})
export class SignaturesModule {}
