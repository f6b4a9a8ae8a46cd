import { Global, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { HOT_PATHS } from '../common/hot-paths.js';
import { installHttpMetrics } from './http-metrics.hook.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/**
 * GET /metrics and the MetricsService that call sites inject (optionally: the
 * CLI builds the same services without this module). Global, so a feature
 * module needs no import to count something.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {
  constructor(adapterHost: HttpAdapterHost, metrics: MetricsService) {
    // Here rather than in onModuleInit: Nest registers its routes between
    // construction and onModuleInit, and the hook must see them.
    const fastify = adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (fastify?.addHook) installHttpMetrics(fastify, metrics, HOT_PATHS);
  }
}
