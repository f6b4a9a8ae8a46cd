import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { DemoWebhookService } from './demo-webhook.service.js';
import { DemoController } from './demo.controller.js';

/** Dev mode only (AppModule imports it only then): the /demo walk-through. */
@Module({
  imports: [ClientsModule],
  controllers: [DemoController],
  providers: [DemoWebhookService],
})
export class DemoModule {}
