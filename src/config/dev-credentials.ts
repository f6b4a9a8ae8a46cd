/**
 * Dev mode's credentials: the dev API client, the demo user and the demo
 * bot's webhook secret. They are made at the first start (and on
 * `--reset-dev`), printed that once, and kept across restarts, so a key
 * pasted into a shell or a password saved in a browser keeps working.
 *
 * `dev-credentials.json` in the keys dir records what was made (ids and the
 * date, never a secret value: the key and password exist only as hashes, the
 * webhook secret only in secrets.json). Deleting it, or starting with
 * `--reset-dev`, makes new credentials; the replaced webhook secrets are
 * deleted from secrets.json rather than retired, so nothing piles up.
 */
import type { ApiClientService } from '../clients/api-client.service.js';
import type { KeysDir } from '../keys/keys-dir.js';
import type { SecretStore } from '../secrets/secret.store.js';
import type { UsersService } from '../users/users.service.js';

export const DEV_CREDENTIALS_FILE = 'dev-credentials.json';
export const DEV_CLIENT_NAME = 'dev';
export const DEMO_USER = 'demo';
export const DEMO_BOT = 'demo';

export interface DevCredentialsRecord {
  createdAt: string;
  clientId: string;
  username: string;
  webhookSecretId: string;
}

/** What main.ts prints: the values only when they were just made. */
export type DevCredentials =
  | { created: true; record: DevCredentialsRecord; apiKey: string; password: string; webhookSecret: string }
  | { created: false; record: DevCredentialsRecord };

export interface DevCredentialDeps {
  keysDir: KeysDir;
  clients: ApiClientService;
  users: UsersService;
  secrets: SecretStore;
}

export async function ensureDevCredentials(deps: DevCredentialDeps, options: { reset: boolean }): Promise<DevCredentials> {
  const record = deps.keysDir.read<DevCredentialsRecord | null>(DEV_CREDENTIALS_FILE, null);
  if (!options.reset && record !== null && stillInPlace(record, deps)) return { created: false, record };

  const { client, key } = await deps.clients.resetKey(DEV_CLIENT_NAME, ['verify', 'issue', 'revoke']);
  const { password } = await deps.users.reset(DEMO_USER, ['customer']);
  // The demo bot is dev mode's own: its new secret replaces every earlier one.
  await deps.secrets.remove(DEMO_BOT);
  const webhook = await deps.secrets.add(DEMO_BOT, undefined);
  const next: DevCredentialsRecord = { createdAt: new Date().toISOString(), clientId: client.id, username: DEMO_USER, webhookSecretId: webhook.secret.id };
  await deps.keysDir.update<DevCredentialsRecord | null>(DEV_CREDENTIALS_FILE, null, () => next);
  return { created: true, record: next, apiKey: key, password, webhookSecret: webhook.value };
}

/** A record whose client, user or secret was revoked, removed or retired since is made anew. */
function stillInPlace(record: DevCredentialsRecord, deps: DevCredentialDeps): boolean {
  const client = deps.clients.list().find((c) => c.id === record.clientId);
  const user = deps.users.list().find((u) => u.username === record.username);
  const secret = deps.secrets.list(DEMO_BOT).find((s) => s.id === record.webhookSecretId);
  return client !== undefined && !client.revokedAt && user !== undefined && !user.disabled && secret?.state === 'live';
}
