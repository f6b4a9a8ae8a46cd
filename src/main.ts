/**
 * Starts the HTTP service. With no config file (and NODE_ENV not production)
 * it runs the embedded dev mode of SPEC.md; with NODE_ENV=production a missing
 * or invalid config stops it with a message that says what to fix. So does a
 * config file named by CHATWARDEN_CONFIG that does not exist (exit 78,
 * EX_CONFIG): only the implicit ./chatwarden.yaml may be absent.
 *
 * `--reset-dev` (`npm start -- --reset-dev`) makes new dev credentials.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { createApp } from './app.js';
import { ApiClientService } from './clients/api-client.service.js';
import { ConfigError, EX_CONFIG, loadConfig } from './config/config.loader.js';
import type { ChatwardenConfig } from './config/config.schema.js';
import { DEV_CREDENTIALS_FILE, ensureDevCredentials, type DevCredentials } from './config/dev-credentials.js';
import { KeysDir } from './keys/keys-dir.js';
import { createRootLogger } from './observability/logger.js';
import { SecretStore } from './secrets/secret.store.js';
import { UsersService } from './users/users.service.js';

const EX_USAGE = 64;

async function main(): Promise<void> {
  const resetDev = process.argv.slice(2).includes('--reset-dev');
  let config: ChatwardenConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`chatwarden cannot start.\n${error.message}`);
      process.exit(EX_CONFIG);
    }
    throw error;
  }
  if (resetDev && !config.devMode) {
    console.error('chatwarden: --reset-dev resets the credentials of dev mode, and this is not dev mode (a config file is in use): manage clients and users with the CLI');
    process.exit(EX_USAGE);
  }
  const logger = createRootLogger(config.logLevel);
  const app = await createApp(config, logger);
  let dev: DevCredentials | undefined;
  if (config.devMode) {
    // Before listening, so the key printed works on the first request.
    dev = await ensureDevCredentials(
      { keysDir: app.get(KeysDir), clients: app.get(ApiClientService), users: app.get(UsersService), secrets: app.get(SecretStore) },
      { reset: resetDev },
    );
  }
  await app.listen({ port: config.port, host: config.devMode ? '127.0.0.1' : '0.0.0.0' });
  if (dev) announceDevMode(config, dev);
  logger.info({ port: config.port, publicUrl: config.publicUrl, devMode: config.devMode }, 'chatwarden is listening');
}

/** The banner: the credentials in full only at the start that made them. */
function announceDevMode(config: ChatwardenConfig, dev: DevCredentials): void {
  const lines = ['', `  chatwarden dev mode — memory store, keys in ${config.keysDir}`, `  Demo page:      ${config.publicUrl}/demo`, `  API docs:       ${config.publicUrl}/docs`];
  if (dev.created) {
    lines.push(
      `  Dev API key:    ${dev.apiKey}   (shown once; kept across restarts)`,
      `  Demo user:      demo / ${dev.password}   (shown once; kept across restarts)`,
      `  Demo webhooks:  Standard Webhooks, secret ${dev.webhookSecret}   (for /v1/verify/signature with bot "demo"; shown once)`,
      `  Bots:           demo (the /demo page), shop (the README and /docs examples), demo-* (the /demo vendor picker)`,
      `  Lost them? npm start -- --reset-dev (or delete ${join(config.keysDir, DEV_CREDENTIALS_FILE)}) makes new ones.`,
    );
  } else {
    const since = dev.record.createdAt;
    lines.push(
      `  Dev API key:    cwk_${dev.record.clientId}_…   (printed at the start of ${since})`,
      `  Demo user:      demo / (password printed at the start of ${since})`,
      `  Demo webhooks:  Standard Webhooks, secret ${dev.record.webhookSecretId} of bot "demo" (printed at the start of ${since})`,
      `  Bots:           demo (the /demo page), shop (the README and /docs examples), demo-* (the /demo vendor picker)`,
      `  Lost them? npm start -- --reset-dev makes new ones.`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  console.error('chatwarden failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
