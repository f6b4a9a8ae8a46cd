/**
 * The request id on every log line written while a request is handled, from
 * any logger (services, audit trail, Nest's own) without passing a child
 * logger through every call: the request's id lives in an AsyncLocalStorage
 * and the root logger's `mixin` adds it to each line.
 *
 * The context is entered in a per-route `preHandler` hook: after the body is
 * parsed (stream events would otherwise run outside it) and before guards,
 * pipes and handlers. Routes in `except` (the verify hot path, which logs
 * nothing on success and puts the id in its error bodies) skip the hook.
 *
 * Cost: on Node 20 an enabled AsyncLocalStorage hooks every promise of the
 * process, not just those of the requests that use it — measured, an await
 * costs about three times as much, a tenth of the verify route's CPU. So the
 * storage is switched off whenever no request that entered it is in flight,
 * and verify traffic runs unhooked unless a login, issue or other logged
 * request overlaps it. Work a request leaves running after its answer may
 * then log without the id.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { addRouteHook } from '../common/route-hooks.js';

interface RequestLogFields {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestLogFields>();

/**
 * pino `mixin`: `{ requestId }` inside a request, nothing outside one. A new
 * object every time: pino's default merge strategy assigns the line's fields
 * onto the returned object.
 */
export function requestLogFields(): object {
  const fields = storage.getStore();
  return fields ? { requestId: fields.requestId } : {};
}

let inFlight = 0;

function leave(): void {
  inFlight -= 1;
  if (inFlight === 0) storage.disable();
}

export function installRequestContext(fastify: FastifyInstance, except: readonly string[]): void {
  const enter: preHandlerHookHandler = (request, reply, done) => {
    inFlight += 1;
    // `close` comes once per response, answered or aborted.
    reply.raw.once('close', leave);
    storage.run({ requestId: String(request.id) }, done);
  };
  addRouteHook(fastify, 'preHandler', (route) => (except.includes(route.url) ? undefined : enter), 'first');
}
