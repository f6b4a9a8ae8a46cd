import { Module } from '@nestjs/common';
import { SecretsModule } from '../secrets/secrets.module.js';
import { SignatureCheckService } from './signature-check.service.js';
import { SignatureService } from './signature.service.js';
import { verifierRegistryProvider } from './verifier-registry.js';
import { VerifySignatureController } from './verify-signature.controller.js';
import { WebhookConfigsService } from './webhook-configs.service.js';

/** Webhook signature verification: the scheme verifiers, the bots' settings and `POST /v1/verify/signature`. */
@Module({
  imports: [SecretsModule],
  controllers: [VerifySignatureController],
  providers: [verifierRegistryProvider, SignatureService, WebhookConfigsService, SignatureCheckService],
  exports: [SignatureCheckService, WebhookConfigsService],
})
export class SignaturesModule {}
