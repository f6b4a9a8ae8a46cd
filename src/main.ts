/**
 * Starts the HTTP service. With no config file (and NODE_ENV not production)
 * it runs the embedded dev mode of SPEC.md; with NODE_ENV=production a missing
 * or invalid config stops it with a message that says what to fix.
 */
import 'reflect-metadata';
import { createApp } from './app.js';
import { ApiClientService } from './clients/api-client.service.js';
import { ConfigError, loadConfig } from './config/config.loader.js';
import type { ChatwardenConfig } from './config/config.schema.js';
import { createRootLogger } from './observability/logger.js';
import { SecretStore } from './secrets/secret.store.js';
import { UsersService } from './users/users.service.js';

async function main(): Promise<void> {
  let config: ChatwardenConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`chatwarden cannot start.\n${error.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createRootLogger(config.logLevel);
  const app = await createApp(config, logger);
  await app.listen({ port: config.port, host: config.devMode ? '127.0.0.1' : '0.0.0.0' });
  if (config.devMode) await announceDevMode(config, app.get(ApiClientService), app.get(UsersService), app.get(SecretStore));
  logger.info({ port: config.port, publicUrl: config.publicUrl, devMode: config.devMode }, 'chatwarden is listening');
}

/** Dev mode prints fresh credentials once per start (only their hashes are kept; the webhook secret replaces the last one). */
async function announceDevMode(config: ChatwardenConfig, clients: ApiClientService, users: UsersService, secrets: SecretStore): Promise<void> {
  const { key } = await clients.resetKey('dev', ['verify', 'issue', 'revoke']);
  const demoUser = await users.reset('demo', ['customer']);
  for (const secret of secrets.list('demo')) if (secret.source === 'cli' && secret.state !== 'retired') await secrets.retire('demo', secret.id);
  const webhook = await secrets.add('demo', undefined);
  process.stdout.write(
    [
      '',
      '  chatwarden dev mode — memory store, keys in ' + config.keysDir,
      `  Demo page:      ${config.publicUrl}/demo`,
      `  API docs:       ${config.publicUrl}/docs`,
      `  Dev API key:    ${key}   (shown once; a new one at every start)`,
      `  Demo user:      demo / ${demoUser.password}   (shown once; a new password at every start)`,
      `  Demo webhooks:  Standard Webhooks, secret ${webhook.value}   (for /v1/verify/signature with bot "demo"; a new one at every start)`,
      '',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error('chatwarden failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
