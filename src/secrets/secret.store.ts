/**
 * A bot's live webhook secrets (the WebhookSecretSource of SignatureService)
 * and their administration for `chatwarden secrets`. Live secrets are the
 * config's `webhook.secrets` (ids `config-0`, `config-1`, …, in file order)
 * followed by the secrets added with the CLI whose `retireAt` is absent or
 * still ahead, oldest first.
 *
 * Running instances pick up `secrets add` and `secrets retire` without a
 * restart: the file's stamp is checked at most once a second, as this sits on
 * the webhook hot path, and a retirement time is honoured to the millisecond
 * without any file change. When the file cannot be read, the last good copy
 * is kept (a retired secret never comes back) and the problem is logged once,
 * without the file's content.
 *
 * Secret values leave this class only through `secretsFor` (to the verifiers)
 * and as the one-time result of `add`.
 */
import { Injectable, Logger } from '@nestjs/common';
import { appError } from '../common/error-catalog.js';
import { hasOwnName, ownEntry } from '../common/own-entry.js';
import { AppConfig } from '../config/app-config.js';
import { randomId } from '../crypto/random.js';
import { KeysDir } from '../keys/keys-dir.js';
import type { LiveSecret } from '../signatures/signature-verifier.js';
import { isWebhookScheme, type WebhookScheme } from '../signatures/webhook-scheme.js';
import { generateSecretValue, secretValueProblem, SECRET_KINDS } from '../signatures/webhook-secret-format.js';
import { WebhookSecretSource } from '../signatures/webhook-secret-source.js';
import { EMPTY_SECRETS_FILE, isLive, parseSecretsFile, SECRETS_FILE, SecretsFileError, type SecretsFile, type StoredSecret } from './secrets-file.js';

/** How often, at most, the hot path looks at the file's stamp. */
const STAMP_CHECK_INTERVAL_MS = 1000;

export type SecretState = 'live' | 'retiring' | 'retired';

/** What may be shown about a secret: never its value. */
export interface SecretInfo {
  id: string;
  bot: string;
  source: 'config' | 'cli';
  state: SecretState;
  createdAt?: string;
  retireAt?: string;
}

interface LiveEntry {
  secrets: LiveSecret[];
  /** The list is valid until this time (ms): the next retirement among the bot's secrets. */
  until: number;
}

function withoutValue({ value: _value, ...rest }: StoredSecret): StoredSecret {
  return rest;
}

function stateOf(secret: StoredSecret, now: number): SecretState {
  if (!isLive(secret, now)) return 'retired';
  return secret.retireAt === undefined ? 'live' : 'retiring';
}

@Injectable()
export class SecretStore extends WebhookSecretSource {
  private readonly logger = new Logger('SecretStore');
  private file: SecretsFile = EMPTY_SECRETS_FILE;
  private stamp?: string;
  private failedStamp?: string;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private readonly live = new Map<string, LiveEntry>();

  constructor(
    private readonly config: AppConfig,
    private readonly keysDir: KeysDir,
  ) {
    super();
  }

  secretsFor(botId: string): LiveSecret[] {
    const now = Date.now();
    this.refresh(now);
    const cached = this.live.get(botId);
    if (cached && now < cached.until) return cached.secrets;
    const entry = this.compute(botId, now);
    // Only configured bots are remembered, so unknown names cannot grow the map.
    if (hasOwnName(this.config.bots, botId)) this.live.set(botId, entry);
    return entry.secrets;
  }

  /**
   * Adds a secret to `botId`: `value` as given (trimmed), or a generated one
   * when `value` is undefined. Returns the value once, for the operator.
   */
  async add(botId: string, value: string | undefined): Promise<{ secret: SecretInfo; value: string }> {
    const scheme = this.schemeOf(botId);
    const secretValue = value === undefined ? this.generate(scheme) : value.trim();
    const problem = secretValueProblem(scheme, secretValue);
    if (problem) throw appError('secret_invalid', { detail: `the secret ${problem}` });
    const now = Date.now();
    const stored: StoredSecret = { id: `cli-${randomId(4)}`, value: secretValue, createdAt: new Date(now).toISOString() };
    await this.write((file) => ({ bots: { ...file.bots, [botId]: [...(ownEntry(file.bots, botId) ?? []), stored] } }), now);
    return { secret: this.info(botId, stored, now), value: secretValue };
  }

  /** Every secret of `botId`, config ones first, with its state; never a value. */
  list(botId: string): SecretInfo[] {
    this.schemeOf(botId);
    const now = Date.now();
    const configured = this.configSecrets(botId).map(
      (secret): SecretInfo => ({ id: secret.id, bot: botId, source: 'config', state: 'live' }),
    );
    const added = (ownEntry(this.readForAdmin().bots, botId) ?? []).map((secret) => this.info(botId, secret, now));
    return [...configured, ...added];
  }

  /**
   * Ends a CLI secret now, or after `afterSeconds` so the vendor can switch
   * to the new secret while both verify. A retirement can be brought forward,
   * never pushed back. `remaining` counts the secrets still live once it ends.
   */
  async retire(botId: string, id: string, afterSeconds = 0): Promise<{ secret: SecretInfo; remaining: number }> {
    this.schemeOf(botId);
    const configured = this.configSecrets(botId).findIndex((secret) => secret.id === id);
    if (configured >= 0) {
      throw appError('secret_in_config', { detail: `${id} comes from the config file (bots.${botId}.webhook.secrets[${configured}]): remove it there and restart` });
    }
    const now = Date.now();
    const retireAt = now + afterSeconds * 1000;
    let found: StoredSecret | undefined;
    await this.write((file) => {
      const secrets = (ownEntry(file.bots, botId) ?? []).map((secret) => {
        if (secret.id !== id) return secret;
        const current = secret.retireAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(secret.retireAt);
        found = current <= retireAt ? secret : { ...secret, retireAt: new Date(retireAt).toISOString() };
        return found;
      });
      return { bots: { ...file.bots, [botId]: secrets } };
    }, now);
    if (!found) throw appError('secret_not_found', { detail: `bot ${botId} has no secret ${id} (see: chatwarden secrets list ${botId})` });
    const endsAt = Math.max(now, Date.parse(found.retireAt as string));
    const remaining =
      this.configSecrets(botId).length + (ownEntry(this.readForAdmin().bots, botId) ?? []).filter((secret) => isLive(secret, endsAt)).length;
    return { secret: this.info(botId, found, now), remaining };
  }

  /**
   * Deletes CLI-added secrets of `botId` (all of them, or those in `ids`) from
   * the file, value and record alike; returns how many went. For dev mode's
   * reset, so replaced dev secrets do not pile up; operators retire instead,
   * which keeps the record.
   */
  async remove(botId: string, ids?: readonly string[]): Promise<number> {
    let removed = 0;
    await this.write((file) => {
      const kept = (file.bots[botId] ?? []).filter((secret) => ids !== undefined && !ids.includes(secret.id));
      removed = (file.bots[botId] ?? []).length - kept.length;
      return { bots: { ...file.bots, [botId]: kept } };
    }, Date.now());
    return removed;
  }

  private info(botId: string, secret: StoredSecret, now: number): SecretInfo {
    const info: SecretInfo = { id: secret.id, bot: botId, source: 'cli', state: stateOf(secret, now), createdAt: secret.createdAt };
    if (secret.retireAt !== undefined) info.retireAt = secret.retireAt;
    return info;
  }

  private generate(scheme: WebhookScheme): string {
    const generated = generateSecretValue(scheme);
    if (generated !== undefined) return generated;
    const kind = SECRET_KINDS[scheme];
    const how =
      kind === 'public-key'
        ? `it takes the vendor's public key: pipe the key into --stdin`
        : kind === 'none'
          ? 'it has no secrets'
          : `the vendor issues this secret: copy it from the vendor's console and pipe it into --stdin`;
    throw appError('secret_not_generated', { detail: `scheme ${scheme} cannot use a generated secret: ${how}` });
  }

  /** The bot's scheme; an unknown bot or one without `webhook:` is a clear error. */
  private schemeOf(botId: string): WebhookScheme {
    const bot = ownEntry(this.config.bots, botId);
    if (!bot) {
      const known = Object.keys(this.config.bots).join(', ') || 'none';
      throw appError('unknown_bot', { detail: `unknown bot "${botId}" (configured bots: ${known})` });
    }
    const scheme = bot.webhook?.scheme;
    if (!isWebhookScheme(scheme)) {
      throw appError('webhook_not_configured', { detail: `bot ${botId} has no webhook: block in the config; add one with its scheme first` });
    }
    return scheme;
  }

  private configSecrets(botId: string): LiveSecret[] {
    const secrets = ownEntry(this.config.bots, botId)?.webhook?.secrets;
    if (!Array.isArray(secrets)) return [];
    return secrets.filter((value): value is string => typeof value === 'string').map((value, index) => ({ id: `config-${index}`, value }));
  }

  private compute(botId: string, now: number): LiveEntry {
    const stored = ownEntry(this.file.bots, botId) ?? [];
    const live = stored.filter((secret) => isLive(secret, now));
    const until = Math.min(
      Number.POSITIVE_INFINITY,
      ...live.filter((secret) => secret.retireAt !== undefined).map((secret) => Date.parse(secret.retireAt as string)),
    );
    return {
      secrets: [...this.configSecrets(botId), ...live.map((secret) => ({ id: secret.id, value: secret.value as string }))],
      until,
    };
  }

  /** Re-reads the file when its stamp moved; at most one stamp check per interval. */
  private refresh(now: number): void {
    if (now - this.checkedAt < STAMP_CHECK_INTERVAL_MS) return;
    this.checkedAt = now;
    const stamp = this.keysDir.stamp(SECRETS_FILE);
    if (stamp === this.stamp) return;
    try {
      this.file = this.readFile();
      this.stamp = stamp;
      this.failedStamp = undefined;
      this.live.clear();
    } catch (error) {
      if (this.failedStamp !== stamp) {
        this.failedStamp = stamp;
        const reason = error instanceof SecretsFileError ? error.message : `${SECRETS_FILE} in the keys dir cannot be read`;
        this.logger.error(`${reason}; keeping the secrets last read`);
      }
    }
  }

  /** The file, parsed and shape-checked. A JSON syntax error is reported without its excerpt of the content. */
  private readFile(): SecretsFile {
    let content: unknown;
    try {
      content = this.keysDir.read<unknown>(SECRETS_FILE, EMPTY_SECRETS_FILE);
    } catch (error) {
      if (error instanceof SyntaxError) throw new SecretsFileError('not JSON');
      throw error;
    }
    return parseSecretsFile(content);
  }

  private readForAdmin(): SecretsFile {
    try {
      return this.readFile();
    } catch (error) {
      if (error instanceof SecretsFileError) throw appError('secrets_file_invalid', { detail: error.message });
      throw error;
    }
  }

  /** Read-modify-write under the keys dir lock; values of secrets retired by `now` are dropped on the way. */
  private async write(change: (file: SecretsFile) => SecretsFile, now: number): Promise<void> {
    try {
      await this.keysDir.update<unknown>(SECRETS_FILE, EMPTY_SECRETS_FILE, (content) => {
        const next = change(parseSecretsFile(content));
        const bots = Object.entries(next.bots).map(([bot, secrets]) => [bot, secrets.map((secret) => (isLive(secret, now) ? secret : withoutValue(secret)))]);
        return { bots: Object.fromEntries(bots) };
      });
    } catch (error) {
      if (error instanceof SyntaxError || error instanceof SecretsFileError) {
        throw appError('secrets_file_invalid', { detail: error instanceof SecretsFileError ? error.message : new SecretsFileError('not JSON').message });
      }
      throw error;
    }
    // The next hot-path call re-reads at once rather than after the interval.
    this.checkedAt = Number.NEGATIVE_INFINITY;
  }
}
