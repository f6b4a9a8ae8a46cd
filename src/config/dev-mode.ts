/**
 * The embedded dev mode: no config file, nothing to set up. A demo bot whose
 * allowed origin is the service itself, a memory store and keys in ./keys.
 * The bot's webhooks are signed the Standard Webhooks way; its secret is
 * made at start and printed once (main.ts), like the dev API key.
 */
export function devModeConfig(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const port = Number(env.PORT ?? 3000);
  const publicUrl = env.CHATWARDEN_PUBLIC_URL ?? `http://localhost:${port}`;
  return {
    publicUrl,
    port,
    store: 'memory://',
    keysDir: './keys',
    login: { local: true, usersFile: './keys/users.json' },
    roles: { customer: ['orders:read', 'account:read'] },
    bots: {
      demo: {
        title: 'Demo shop assistant',
        origins: [new URL(publicUrl).origin, `http://127.0.0.1:${port}`],
        actions: { 'orders.lookup': ['orders:read'], 'account.update': ['account:write'] },
        webhook: { scheme: 'standard-webhooks' },
      },
    },
  };
}
