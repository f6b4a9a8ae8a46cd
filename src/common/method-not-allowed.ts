/**
 * Which methods a path has routes for, so an unknown method on a known path
 * answers 405 `method_not_allowed` with an `Allow` header (RFC 9110
 * §15.5.6) rather than a 404 that suggests the route does not exist. Fastify
 * keeps no such index, so every route is recorded as it is registered (the
 * `onRoute` hook: install before the routes are added).
 */
import type { FastifyInstance } from 'fastify';

interface RouteEntry {
  pattern: RegExp;
  methods: Set<string>;
}

const INDEX = Symbol('chatwarden.routeIndex');

type Indexed = FastifyInstance & { [INDEX]?: RouteEntry[] };

/** `/sso/:provider/start` → a RegExp matching one concrete path. */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

export function installRouteIndex(fastify: FastifyInstance): void {
  const routes: RouteEntry[] = [];
  (fastify as Indexed)[INDEX] = routes;
  fastify.addHook('onRoute', (route) => {
    // A catch-all (a CORS preflight `OPTIONS *`) says nothing about which paths exist.
    if (route.url.includes('*')) return;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase());
    const existing = routes.find((entry) => entry.pattern.source === patternOf(route.url).source);
    if (existing) methods.forEach((m) => existing.methods.add(m));
    else routes.push({ pattern: patternOf(route.url), methods: new Set(methods) });
  });
}

/** The methods `url` (query ignored) has routes for; empty when the path is unknown. */
export function allowedMethods(fastify: FastifyInstance, url: string): string[] {
  const routes = (fastify as Indexed)[INDEX];
  if (!routes) return [];
  const path = url.split('?', 1)[0];
  const methods = new Set<string>();
  for (const entry of routes) if (entry.pattern.test(path)) entry.methods.forEach((m) => methods.add(m));
  return [...methods].sort();
}
