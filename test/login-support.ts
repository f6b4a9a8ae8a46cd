/**
 * Helpers shared by the login tests: the login-flavoured test config, a user
 * directory written the way the CLI writes it, and page scraping.
 */
import { KeysDir } from '../src/keys/keys-dir.js';
import { PasswordHasher } from '../src/users/password-hasher.js';
import { UsersService } from '../src/users/users.service.js';
import type { ChatwardenConfig } from '../src/config/config.schema.js';

/** Lockout small enough to reach in a test. */
export const LOCKOUT = { maxFailures: 3, maxFailuresPerAccount: 6, windowSeconds: 60, banSeconds: 120, maxFailuresPerIp: 6 };

export function loginConfig(config: Record<string, unknown>, extra: { trustProxy?: string[]; origins?: string[] } = {}): void {
  config.login = { local: true, lockout: LOCKOUT };
  config.trustProxy = extra.trustProxy ?? ['127.0.0.1/32'];
  const bots = config.bots as Record<string, Record<string, unknown>>;
  bots.shop.title = 'Shop <Assistant> & "Co"';
  bots.shop.primaryColor = '#ffcc00';
  if (extra.origins) bots.shop.origins = extra.origins;
}

/**
 * A UsersService of its own over the same directory, like a CLI process:
 * changes reach the running service only through the users file.
 */
export function cliUsers(config: ChatwardenConfig): UsersService {
  return new UsersService(config, new KeysDir(config.keysDir), new PasswordHasher());
}

export function formToken(html: string): string {
  const match = /name="formToken" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no form token in page');
  return match[1];
}

export function resultData(html: string): { type: string; token: string; expiresAt: string; origin: string; mode: string } {
  const match = /<script type="application\/json" id="result">([^<]*)<\/script>/.exec(html);
  if (!match) throw new Error('no result block in page');
  return JSON.parse(match[1]);
}
