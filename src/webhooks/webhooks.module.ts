import { Module } from '@nestjs/common';
import { SignaturesModule } from '../signatures/signatures.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { vendorReplyRegistryProvider } from './vendor-replies/vendor-reply-registry.js';
import { VerifyWebhookController } from './verify-webhook.controller.js';
import { ReplayReleaseService } from './replay-release.service.js';
import { WebhookVerificationService } from './webhook-verification.service.js';

/** `POST /v1/verify/webhook`: signature, user token and permissions in one decision, with vendor-shaped refusals. */
@Module({
  imports: [SignaturesModule, TokensModule],
  controllers: [VerifyWebhookController],
  providers: [vendorReplyRegistryProvider, ReplayReleaseService, WebhookVerificationService],
  exports: [WebhookVerificationService, ReplayReleaseService],
})
export class WebhooksModule {}
