/**
 * Picks the store implementation from the `store` URL in the config (or
 * REDIS_URL). Accepted forms:
 *
 *   memory://                                   in-process, one instance only
 *   redis://[[user]:password@]host[:port][/db]  Redis standalone (rediss:// for TLS)
 *   redis+sentinel://[[user]:password@]host[:port][,host[:port]…]/master-name
 *   redis+cluster://[[user]:password@]host[:port][,host[:port]…]
 *   rediss+sentinel://…, rediss+cluster://…     Sentinel / Cluster over TLS
 *
 * See redis.store.ts for the details of each Redis form. A Redis store
 * connects lazily on first use; call `ping()` at boot to connect early.
 */
import { MemoryStore } from './memory.store.js';
import { RedisStore } from './redis.store.js';
import type { Store } from './store.js';
import { describeStoreUrl } from './store-url.js';

export { describeStoreUrl };

export interface CreateStoreOptions {
  /** Connection problems and exceptions thrown by subscription listeners; see RedisStoreOptions.onError. */
  onError?: (error: Error) => void;
}

const ACCEPTED_FORMS =
  'memory://, redis://host:port[/db], rediss://host:port[/db], ' +
  'redis+sentinel://host:26379[,host:26379…]/master-name, redis+cluster://host:port[,host:port…] ' +
  '(rediss+sentinel:// and rediss+cluster:// for TLS)';

/** Builds the store named by `url`; throws an Error naming the accepted forms when it cannot. No I/O happens here. */
export function createStore(url: string, options: CreateStoreOptions = {}): Store {
  if (url === 'memory://') {
    return new MemoryStore({ onError: options.onError });
  }
  if (/^rediss?(\+(sentinel|cluster))?:\/\//.test(url)) {
    try {
      return new RedisStore(url, { onError: options.onError });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Invalid store URL ${describeStoreUrl(url)}: ${reason}. Accepted forms: ${ACCEPTED_FORMS}`);
    }
  }
  throw new Error(`Unsupported store URL ${describeStoreUrl(url)}. Accepted forms: ${ACCEPTED_FORMS}`);
}
