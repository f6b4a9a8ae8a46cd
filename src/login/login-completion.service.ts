/**
 * How every login method ends (SPEC.md "Browser", POST /login and the SSO
 * callback): re-check the bot and origin, issue the token, record
 * `login.success`, and render the page whose external script postMessages
 * `{type: "chatwarden:token", token, expiresAt}` to the validated origin only.
 * The token travels in the page body, never in a URL, a log line or a Referer.
 */
import { Injectable, Optional } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AuditLog } from '../observability/audit-log.js';
import { TokenService } from '../tokens/token.service.js';
import { BotOriginService, type LoginBot } from './bot-origin.service.js';
import type { BrowserPage } from './browser-page.js';
import { loginUrl, renderErrorPage, renderSuccessPage, type LoginMode } from './login-pages.js';

export type { BrowserPage } from './browser-page.js';

export interface CompletedLogin {
  bot: string;
  /** The host page's origin as validated when the flow started; checked again here. */
  origin: string;
  mode: LoginMode;
  subject: string;
  roles: string[];
  amr: 'pwd' | 'sso';
  /** The chat widget's conversation (session) token, when the host passed one to the login page. */
  conversation?: string;
  /** The user's attributes (users file, SSO claims); the bot's `profile` picks what identity proofs carry. */
  attributes?: Record<string, unknown>;
}

@Injectable()
export class LoginCompletionService {
  constructor(
    private readonly bots: BotOriginService,
    private readonly tokens: TokenService,
    private readonly audit: AuditLog,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /**
   * Issues the token (TokenService.issue) and renders the success page that
   * postMessages it to the validated origin. Domain and store failures come
   * back as a friendly error page (4xx/503) rather than an exception, so every
   * login method can return the result as is.
   */
  async complete(login: CompletedLogin): Promise<BrowserPage> {
    let bot: LoginBot;
    try {
      bot = this.bots.check(login.bot, login.origin);
    } catch (error) {
      return this.failure(error, login);
    }
    try {
      const chatConfigured = bot.config.chat !== undefined;
      const issued = await this.tokens.issue({
        bot: bot.id,
        subject: login.subject,
        roles: login.roles,
        amr: login.amr,
        attributes: login.attributes,
        // The widget's session token is kept in the session record (for the server-side Chat API push),
        // not bound into the token: it can be long, and the token must fit a chat variable.
        ...(chatConfigured && login.conversation !== undefined && { chatSession: login.conversation }),
      });
      this.audit.record('login.success', { amr: login.amr, subject: login.subject, bot: bot.id, sessionId: issued.sessionId, mode: login.mode });
      this.metrics?.login(login.amr);
      return renderSuccessPage({
        bot,
        mode: login.mode,
        subject: login.subject,
        token: issued.token,
        expiresAt: issued.expiresAt,
        ...(issued.chatVariable !== undefined && { chatVariable: issued.chatVariable }),
        ...(issued.identity !== undefined && { identity: issued.identity }),
      });
    } catch (error) {
      return this.failure(error, login, bot);
    }
  }

  /** A friendly page for a known failure; only a validated bot brands it (and may frame it). */
  private failure(error: unknown, login: CompletedLogin, bot?: LoginBot): BrowserPage {
    const retryUrl = bot ? loginUrl(bot, login.mode, login.conversation) : undefined;
    if (error instanceof AppError) {
      const title = error.status >= 500 ? 'Please try again in a moment' : "We couldn't sign you in";
      return renderErrorPage({ status: error.status, title, message: error.message, bot, retryUrl });
    }
    throw error;
  }
}
