import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DirectoryModule } from '../directory/directory.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), KeysModule, DirectoryModule],
  controllers: [HealthController],
})
export class HealthModule {}
