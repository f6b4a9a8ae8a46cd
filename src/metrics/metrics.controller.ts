import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { MetricsService } from './metrics.service.js';

const EXAMPLE = [
  '# HELP chatwarden_verify_token_total POST /v1/verify/token answers by code (`valid` or the error code)',
  '# TYPE chatwarden_verify_token_total counter',
  'chatwarden_verify_token_total{code="valid"} 1042',
  'chatwarden_verify_token_total{code="token_expired"} 7',
  '',
].join('\n');

/**
 * Prometheus scrape endpoint. No API key: scrapers rarely send one, and the
 * labels carry nothing secret. Keep it off the public listener at the load
 * balancer or with a network policy (docs/operations.md, "Metrics").
 */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @ApiProduces(Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({ description: 'Counters and histograms of docs/operations.md, plus process metrics', content: { [Registry.PROMETHEUS_CONTENT_TYPE]: { schema: { type: 'string' }, example: EXAMPLE } } })
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
