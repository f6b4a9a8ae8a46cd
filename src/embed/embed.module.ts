import { Module } from '@nestjs/common';
import { EmbedCorsHook } from './embed-cors.hook.js';
import { EmbedController } from './embed.controller.js';

/** GET /embed.js and the CORS answers its refresh and logout calls need. */
@Module({
  controllers: [EmbedController],
  providers: [EmbedCorsHook],
})
export class EmbedModule {}
