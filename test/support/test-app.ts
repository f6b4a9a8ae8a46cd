/**
 * Boots the real service on a loopback port with a temporary keys dir and a
 * config file written like an operator would, and creates API clients.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { stringify } from 'yaml';
import { createApp } from '../../src/app.js';
import { ApiClientService } from '../../src/clients/api-client.service.js';
import { loadConfig } from '../../src/config/config.loader.js';
import type { ChatwardenConfig } from '../../src/config/config.schema.js';
import { createRootLogger } from '../../src/observability/logger.js';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  config: ChatwardenConfig;
  keysDir: string;
  /** API keys by scope set: `verify`, `issue`, `revoke`, `all`. */
  apiKeys: Record<'verify' | 'issue' | 'revoke' | 'all', string>;
  close(): Promise<void>;
}

export const TEST_PUBLIC_URL = 'https://auth.test.example';

export function baseConfig(keysDir: string): Record<string, unknown> {
  return {
    publicUrl: TEST_PUBLIC_URL,
    port: 0,
    store: 'memory://',
    keysDir,
    logLevel: 'silent',
    tokens: { ttlSeconds: 900, sessionIdleSeconds: 3600, sessionMaxAgeSeconds: 43200 },
    roles: { customer: ['orders:read', 'account:read'], support: ['orders:read', 'orders:refund', 'account:read', 'account:write'] },
    bots: {
      shop: { origins: ['https://shop.example.com'], actions: { 'orders.lookup': ['orders:read'], 'orders.refund': ['orders:refund'] } },
      other: { origins: ['https://other.example.com'], actions: {} },
    },
  };
}

export async function startTestApp(
  adjust: (config: Record<string, unknown>) => void = () => undefined,
  env: NodeJS.ProcessEnv = {},
  options: { imports?: DynamicModule[] } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'chatwarden-test-'));
  const keysDir = join(dir, 'keys');
  const raw = baseConfig(keysDir);
  adjust(raw);
  const path = join(dir, 'chatwarden.yaml');
  writeFileSync(path, stringify(raw));
  const config = loadConfig({ path, env: { ...env } });
  const logger = createRootLogger('silent');
  const app = await createApp(config, logger, { docsUi: false, imports: options.imports });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const clients = app.get(ApiClientService);
  const apiKeys = {
    verify: (await clients.add('verifier', ['verify'])).key,
    issue: (await clients.add('issuer', ['issue'])).key,
    revoke: (await clients.add('revoker', ['revoke'])).key,
    all: (await clients.add('all', ['verify', 'issue', 'revoke'])).key,
  };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    config,
    keysDir,
    apiKeys,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
