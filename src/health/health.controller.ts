import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Directory } from '../directory/directory.js';
import { TokenKeyRing } from '../keys/token-key-ring.service.js';
import { Store } from '../store/store.js';

/** How long /health/ready waits for the directory before reporting it down. */
const DIRECTORY_PROBE_MS = 1000;

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly store: Store,
    private readonly keyRing: TokenKeyRing,
    private readonly directory: Directory,
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
    const directory = this.directoryStatus();
    try {
      return withDirectory(await this.check(), await directory);
    } catch (error) {
      // Terminus reports "not ready" as an exception; the load balancer wants the details with the 503.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return withDirectory(error.getResponse(), await directory);
    }
  }

  /**
   * The directory is reported under `details.directory` but does not make the
   * instance unready: only the password login of directory users needs it,
   * every instance shares it, and the verify routes must keep being served.
   */
  private async directoryStatus(): Promise<Record<string, unknown> | undefined> {
    if (!this.directory.enabled) return undefined;
    let timer: NodeJS.Timeout | undefined;
    // A hung directory must not make the probe itself time out at the load balancer.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer')), DIRECTORY_PROBE_MS);
    });
    try {
      await Promise.race([this.directory.ping(), deadline]);
      return { status: 'up' };
    } catch {
      return { status: 'down', message: 'directory unreachable: directory users cannot sign in' };
    } finally {
      clearTimeout(timer);
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

function withDirectory(result: unknown, directory: Record<string, unknown> | undefined): unknown {
  if (directory === undefined || typeof result !== 'object' || result === null) return result;
  const body = result as { details?: Record<string, unknown> };
  return { ...body, details: { ...body.details, directory } };
}
