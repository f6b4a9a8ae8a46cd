/**
 * Commands that read or change sessions need the store the running service
 * uses. With `memory://` that store lives inside the service process: the
 * CLI would only see an empty store of its own, and "revoked 0 sessions" or
 * "session_revoked" would be claims about nothing. Such commands refuse
 * instead, naming the way that works (issue 11, item 4).
 */
import { appError } from '../common/error-catalog.js';
import type { ChatwardenConfig } from '../config/config.schema.js';

export const MEMORY_STORE = 'memory://';

export function sharesStoreWithService(config: Pick<ChatwardenConfig, 'store'>): boolean {
  return config.store !== MEMORY_STORE;
}

/** Throws `store_not_shared` unless the CLI can reach the service's sessions; `fix` says how else to do it. */
export function requireSharedStore(config: Pick<ChatwardenConfig, 'store'>, what: string, fix: string): void {
  if (sharesStoreWithService(config)) return;
  throw appError('store_not_shared', {
    detail: `cannot ${what}: the store is memory://, so sessions live inside the running service and this CLI cannot see them. ${fix}, or run the service with a Redis store (store: redis://… or REDIS_URL) and point the CLI at the same one`,
  });
}
