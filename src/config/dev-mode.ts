/**
 * The embedded dev mode: no config file, nothing to set up. A memory store,
 * keys in ./keys, and two bots whose allowed origins include the service
 * itself:
 * - `demo`, the bot of the /demo walk-through; its webhooks are signed the
 *   Standard Webhooks way with a secret made at the first start (main.ts);
 * - `shop`, the bot of the README and OpenAPI examples, so every example runs
 *   as written against `npm start`; its webhooks use the chatbase scheme of
 *   the README's config example with a fixed, published secret, so the
 *   README can sign an example webhook with openssl. It is no secret: dev
 *   mode listens on 127.0.0.1 only, and production never runs dev mode;
 * - `demo-<vendor>` and `demo-proofs`, the bots of the /demo vendor picker
 *   (src/demo/demo-vendors.ts), with in-memory credentials.
 */

import { demoVendorBots } from '../demo/demo-vendors.js';

/** The `shop` bot's webhook secret in dev mode, printed in README.md. */
export const DEV_SHOP_WEBHOOK_SECRET = 'dev-mode-shop-webhook-secret';

export function devModeConfig(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const port = Number(env.PORT ?? 3000);
  const publicUrl = env.CHATWARDEN_PUBLIC_URL ?? `http://localhost:${port}`;
  const selfOrigins = [new URL(publicUrl).origin, `http://127.0.0.1:${port}`];
  return {
    publicUrl,
    port,
    store: 'memory://',
    keysDir: './keys',
    login: { local: true },
    roles: { customer: ['orders:read', 'account:read'] },
    bots: {
      demo: {
        title: 'Demo shop assistant',
        origins: selfOrigins,
        actions: { 'orders.lookup': ['orders:read'], 'account.update': ['account:write'] },
        webhook: { scheme: 'standard-webhooks' },
      },
      shop: {
        title: 'Shop assistant (README examples)',
        origins: ['https://shop.example.com', ...selfOrigins],
        actions: { 'orders.lookup': ['orders:read'] },
        webhook: { scheme: 'chatbase', secrets: [DEV_SHOP_WEBHOOK_SECRET] },
      },
      ...demoVendorBots(selfOrigins),
    },
  };
}
