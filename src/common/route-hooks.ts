/**
 * Adds a hook to some routes only, as each is registered (Fastify's
 * `onRoute`), rather than as a global hook that every request pays for: the
 * verify hot paths should run only the hooks that concern them. `hookFor`
 * sees each route and answers its hook, or undefined to leave it alone. Must
 * be called before the routes are registered (Nest registers its
 * controllers' routes after constructing the providers, so a provider's
 * constructor is early enough).
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

type HookName = 'onRequest' | 'preHandler' | 'onSend' | 'onResponse';
type HookOf<Name extends HookName> = NonNullable<RouteOptions[Name]> extends infer Hooks ? (Hooks extends readonly (infer One)[] ? One : Hooks) : never;

export function addRouteHook<Name extends HookName>(
  fastify: FastifyInstance,
  name: Name,
  hookFor: (route: RouteOptions) => HookOf<Name> | undefined,
  position: 'first' | 'last' = 'last',
): void {
  fastify.addHook('onRoute', (route) => {
    const hook = hookFor(route);
    if (hook === undefined) return;
    const existing = route[name];
    const list = existing === undefined ? [] : Array.isArray(existing) ? [...existing] : [existing];
    (route as Record<HookName, unknown>)[name] = position === 'first' ? [hook, ...list] : [...list, hook];
  });
}
