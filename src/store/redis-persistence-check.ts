/**
 * The start-up warning about Redis persistence (see redis-persistence.ts for
 * why it matters and how it is read). A provider of the HTTP application only:
 * CLI commands share the store but are not where an operator looks for it.
 */
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../core.module.js';
import { persistenceWarning, type RedisPersistence } from './redis-persistence.js';
import { Store } from './store.js';

/** The shape of a store that can report its persistence (RedisStore). */
interface ReportsPersistence {
  persistence(): Promise<RedisPersistence>;
}

function reportsPersistence(store: Store): store is Store & ReportsPersistence {
  return typeof (store as Partial<ReportsPersistence>).persistence === 'function';
}

/**
 * Reads the store's persistence once the application has started and logs
 * one warning line when it can lose revocations. Does not hold up the start:
 * a Redis that is down is reported by the health checks and the store itself.
 */
@Injectable()
export class RedisPersistenceCheck implements OnApplicationBootstrap {
  /** Settles when the check has run (tests wait for it). */
  done: Promise<void> = Promise.resolve();

  constructor(
    @Inject(Store) private readonly store: Store,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!reportsPersistence(this.store)) return;
    const store = this.store;
    this.done = store
      .persistence()
      .catch((): RedisPersistence => ({ state: 'unknown', detail: 'Redis did not answer at start' }))
      .then((persistence) => {
        const warning = persistenceWarning(persistence);
        if (warning) this.logger.warn({ redisPersistence: persistence.state }, warning);
      });
  }
}
