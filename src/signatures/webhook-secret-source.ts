/**
 * The port through which SignatureService gets a bot's live webhook secrets.
 * The implementation merges the config's `webhook.secrets` (ids `config-0`,
 * `config-1`, …) with the secrets added by `chatwarden secrets add` in the
 * keys dir, dropping retired ones, and picks up changes without a restart.
 *
 * Contract:
 * - returns every secret that is live now, in a stable order (oldest first);
 * - ids are stable, unique per bot and safe to show (they are reported as
 *   `secretId`); values are never logged by anyone;
 * - an unknown bot, or a bot without secrets, yields an empty list.
 */
import type { LiveSecret } from './signature-verifier.js';

export abstract class WebhookSecretSource {
  abstract secretsFor(botId: string): LiveSecret[] | Promise<LiveSecret[]>;
}
