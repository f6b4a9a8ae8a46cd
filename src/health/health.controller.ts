import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { TokenKeyRing } from '../keys/token-key-ring.service.js';
import { Store } from '../store/store.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly store: Store,
    private readonly keyRing: TokenKeyRing,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process answers (for restarts)' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'The store answers and an active token key is loaded (for load balancers); 503 otherwise' })
  @ApiOkResponse({ schema: { example: { status: 'ok', info: { store: { status: 'up' }, keys: { status: 'up', loaded: 2 } }, error: {}, details: { store: { status: 'up' }, keys: { status: 'up', loaded: 2 } } } } })
  @ApiServiceUnavailableResponse({ schema: { example: { status: 'error', info: { keys: { status: 'up', loaded: 2 } }, error: { store: { status: 'down', message: 'store unreachable' } }, details: { store: { status: 'down', message: 'store unreachable' }, keys: { status: 'up', loaded: 2 } } } } })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    try {
      return await this.check();
    } catch (error) {
      // Terminus reports "not ready" as an exception; the load balancer wants the details with the 503.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse();
    }
  }

  private check() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('store');
        try {
          await this.store.ping();
          return indicator.up();
        } catch {
          return indicator.down({ message: 'store unreachable' });
        }
      },
      () => {
        const indicator = this.indicators.check('keys');
        try {
          this.keyRing.activeKey();
          return indicator.up({ loaded: this.keyRing.loaded });
        } catch {
          return indicator.down({ message: 'no active token key', loaded: this.keyRing.loaded });
        }
      },
    ]);
  }
}
