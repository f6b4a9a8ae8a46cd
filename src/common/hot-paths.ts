/**
 * The routes every webhook call goes through (`/v1/verify/token`,
 * `/v1/verify/signature`). They are mounted on Fastify directly and skip the
 * per-route hooks that the other routes get — the AsyncLocalStorage request
 * context and the HTTP latency histogram — because on Node 20 an active
 * AsyncLocalStorage makes every promise of the process dearer, and both
 * routes time themselves on metric series of their own. What they log
 * (refusal audit lines, 500s) names the request id explicitly.
 */
export const VERIFY_TOKEN_PATH = '/v1/verify/token';
export const VERIFY_SIGNATURE_PATH = '/v1/verify/signature';

/** The webhook gateway (src/gateway): every vendor call; it times its upstream calls and names the request id on its audit lines. */
export const GATEWAY_PATHS: readonly string[] = ['/hooks/:bot', '/hooks/:bot/:action'];

export const HOT_PATHS: readonly string[] = [VERIFY_TOKEN_PATH, VERIFY_SIGNATURE_PATH, ...GATEWAY_PATHS];
