import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module.js';
import { SignaturesModule } from '../signatures/signatures.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { GatewayRoute } from './gateway.route.js';

/** The webhook gateway: `/hooks/:bot[/:action]`, `/v1/verify/webhook`'s decision, then the configured upstream. */
@Module({
  imports: [SignaturesModule, WebhooksModule, KeysModule],
  providers: [GatewayRoute],
})
export class GatewayModule {}
