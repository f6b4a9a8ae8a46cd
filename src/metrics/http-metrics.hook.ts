/**
 * Request latency for every route except the ones that time themselves (the
 * verify hot path). Installed as an `onRoute` hook so each route gets its own
 * `onResponse` hook: a global hook would run on the hot path too, and the
 * route pattern is known once, at registration, rather than per request.
 * Routes registered before the hook is installed are not measured.
 */
import type { FastifyInstance, onResponseHookHandler } from 'fastify';
import { addRouteHook } from '../common/route-hooks.js';
import type { MetricsService } from './metrics.service.js';

export function installHttpMetrics(fastify: FastifyInstance, metrics: MetricsService, except: readonly string[]): void {
  addRouteHook(fastify, 'onResponse', ({ url: pattern }) => {
    if (except.includes(pattern)) return undefined;
    const observe: onResponseHookHandler = (request, reply, done) => {
      metrics.httpRequest(request.method, pattern, reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
    return observe;
  });
}
