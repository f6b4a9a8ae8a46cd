/**
 * Which bots an API key may act for (SPEC.md "API clients bound to bots").
 * Built once per client when clients.json is loaded, so the verify hot paths
 * only do a Set lookup. A key made with `--bots shop,hr` is limited to those
 * bots; a key without `--bots` may act for every configured bot.
 */
import { appError } from '../common/error-catalog.js';

export class BotAccess {
  /** A key without `--bots`. */
  static readonly ALL = new BotAccess(undefined);

  private readonly allowed: ReadonlySet<string> | undefined;
  /** The bot a call acts for when it names none: set only for a key bound to exactly one bot. */
  readonly implied: string | undefined;

  constructor(bots: readonly string[] | undefined) {
    this.allowed = bots === undefined ? undefined : new Set(bots);
    this.implied = bots?.length === 1 ? bots[0] : undefined;
  }

  get bound(): boolean {
    return this.allowed !== undefined;
  }

  allows(bot: string): boolean {
    return this.allowed === undefined || this.allowed.has(bot);
  }

  /**
   * Throws 403 `bot_not_allowed` for a bot outside the key's list. A bound
   * key gets this for any name outside its list, configured or not, so the
   * key cannot probe which other bots exist.
   */
  assert(bot: string): string {
    if (!this.allows(bot)) throw appError('bot_not_allowed', { detail: `this API key is not allowed to act for bot ${bot}` });
    return bot;
  }

  /**
   * The bot a verify call (`/v1/verify/token`, `/v1/verify/webhook`,
   * `/oauth/introspect`) acts for: the one it names, which the key must
   * allow, or the key's only bot. Without either: 400 `invalid_request`,
   * because a token check that does not say for which bot would accept any
   * bot's token.
   */
  require(bot: string | undefined): string {
    if (bot !== undefined) return this.assert(bot);
    if (this.implied !== undefined) return this.implied;
    throw appError('invalid_request', { detail: 'bot is required: this API key is not bound to exactly one bot' });
  }

  /** For calls where the bot is optional (`/v1/sessions/revoke`): the named or implied bot, if any. */
  optional(bot: string | undefined): string | undefined {
    return bot !== undefined ? this.assert(bot) : this.implied;
  }
}
