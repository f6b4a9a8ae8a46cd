/**
 * `secrets.json` in the keys dir: the vendor webhook secrets added with
 * `chatwarden secrets add`, per bot, oldest first. A secret whose `retireAt`
 * has passed no longer verifies anything; its value is dropped at the next
 * write, while its id and dates stay for `secrets list`.
 */
export const SECRETS_FILE = 'secrets.json';

export interface StoredSecret {
  /** `cli-` + random hex; reported as `secretId`, safe to show. */
  id: string;
  /** Absent once the secret is retired and the file was rewritten. */
  value?: string;
  createdAt: string;
  /** ISO time from which the secret no longer verifies; absent while it has no end. */
  retireAt?: string;
}

export interface SecretsFile {
  bots: Record<string, StoredSecret[]>;
}

export const EMPTY_SECRETS_FILE: SecretsFile = { bots: {} };

/** The file is not what chatwarden writes (edited by hand, or another program's). Never quotes the content. */
export class SecretsFileError extends Error {
  constructor(reason: string) {
    super(`${SECRETS_FILE} in the keys dir is not valid (${reason}): restore it from a backup or fix it by hand`);
    this.name = 'SecretsFileError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTime(value: unknown): value is string {
  return typeof value === 'string' && Number.isFinite(Date.parse(value));
}

/** Checks the shape of a parsed `secrets.json`; throws SecretsFileError naming the first problem. */
export function parseSecretsFile(content: unknown): SecretsFile {
  if (!isRecord(content) || !isRecord(content.bots)) throw new SecretsFileError('no "bots" mapping');
  const bots: Record<string, StoredSecret[]> = {};
  for (const [bot, entries] of Object.entries(content.bots)) {
    if (!Array.isArray(entries)) throw new SecretsFileError(`bots.${bot} is not a list`);
    bots[bot] = entries.map((entry: unknown, index) => {
      const where = `bots.${bot}[${index}]`;
      if (!isRecord(entry) || typeof entry.id !== 'string' || !isTime(entry.createdAt)) {
        throw new SecretsFileError(`${where} needs an id and a createdAt time`);
      }
      if (entry.value !== undefined && typeof entry.value !== 'string') throw new SecretsFileError(`${where}.value is not text`);
      if (entry.retireAt !== undefined && !isTime(entry.retireAt)) throw new SecretsFileError(`${where}.retireAt is not a time`);
      if (entry.value === undefined && entry.retireAt === undefined) throw new SecretsFileError(`${where} has no value`);
      const secret: StoredSecret = { id: entry.id, createdAt: entry.createdAt };
      if (entry.value !== undefined) secret.value = entry.value;
      if (entry.retireAt !== undefined) secret.retireAt = entry.retireAt;
      return secret;
    });
  }
  return { bots };
}

/** True while `secret` still verifies at `now` (ms). */
export function isLive(secret: StoredSecret, now: number): boolean {
  return secret.value !== undefined && (secret.retireAt === undefined || Date.parse(secret.retireAt) > now);
}
