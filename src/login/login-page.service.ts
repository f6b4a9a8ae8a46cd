/**
 * What GET /login shows and what a refused POST /login shows instead: the
 * rules for the query (bot, exact origin, mode, conversation), a fresh form
 * token for every rendered form, the SSO buttons, and the friendly page for
 * each kind of failure.
 */
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { BotOriginService, type LoginBot } from './bot-origin.service.js';
import type { BrowserPage } from './browser-page.js';
import { FormTokenService, type LoginFormState } from './form-token.service.js';
import { passwordLoginEnabled } from './local-login.service.js';
import type { LoginForm } from './login-form.js';
import { loginUrl, renderErrorPage, renderLoginPage, type LoginMode, type SsoButton } from './login-pages.js';

const MODES: readonly LoginMode[] = ['popup', 'iframe'];
/** The widget's session token: printable ASCII, no spaces, bounded. */
const CONVERSATION = /^[\x21-\x7e]{1,512}$/;

@Injectable()
export class LoginPageService {
  constructor(
    private readonly config: AppConfig,
    private readonly bots: BotOriginService,
    private readonly forms: FormTokenService,
  ) {}

  /** GET /login: the validated start of a login flow. */
  async start(query: Record<string, unknown>): Promise<BrowserPage> {
    let state: LoginFormState;
    try {
      state = this.parseStart(query);
    } catch (error) {
      return this.errorPage(error, { form: stringFields(query) });
    }
    return this.form(state);
  }

  /** The login form for `state`, with a fresh single-use token (after a failed attempt too). */
  async form(state: LoginFormState, failure?: { username: string; error: AppError }): Promise<BrowserPage> {
    const bot = this.bots.check(state.bot, state.origin);
    if (!passwordLoginEnabled(this.config) && Object.keys(this.config.sso).length === 0) {
      return renderErrorPage({ status: 503, title: 'Sign-in is not available', message: 'No sign-in method is configured.', bot });
    }
    let formToken: string | null = null;
    try {
      if (passwordLoginEnabled(this.config)) formToken = await this.forms.create(state);
    } catch (error) {
      return this.errorPage(error, { state });
    }
    return renderLoginPage({
      status: failure?.error.status ?? 200,
      bot,
      mode: state.mode,
      conversation: state.conversation,
      formToken,
      sso: this.ssoButtons(bot, state),
      username: failure?.username,
      error: failure?.error.message,
    });
  }

  /**
   * The page for any failure of the flow. A validated bot brands the page,
   * lets its origins frame it and gets a "Start again" link; otherwise the
   * page is plain and may not be framed at all.
   */
  async errorPage(error: unknown, context: { state?: LoginFormState; form?: Partial<LoginForm> }): Promise<BrowserPage> {
    const bot = this.validBot(context);
    const mode = context.state?.mode ?? (MODES.includes(context.form?.mode as LoginMode) ? (context.form?.mode as LoginMode) : 'popup');
    const conversation = context.state?.conversation ?? validConversation(context.form?.conversation);
    const retryUrl = bot ? loginUrl(bot, mode, conversation) : undefined;
    if (error instanceof AppError) {
      if (error.code === 'login_failed' && context.state) {
        return this.form(context.state, { username: context.form?.username ?? '', error });
      }
      if (error.code === 'login_locked') {
        const retryAfter = Number(error.details.retryAfterSeconds) || this.config.login.lockout.banSeconds;
        const page = renderErrorPage({
          status: 429,
          title: 'Too many attempts',
          message: `Too many failed sign-in attempts. Please try again in ${describeWait(retryAfter)}.`,
          bot,
          retryUrl,
        });
        return { ...page, headers: { ...page.headers, 'retry-after': String(retryAfter) } };
      }
      return renderErrorPage({ status: error.status, title: titleFor(error.status), message: error.message, bot, retryUrl });
    }
    throw error;
  }

  private parseStart(query: Record<string, unknown>): LoginFormState {
    const { bot, origin, mode = 'popup', conversation } = query;
    const checked = this.bots.check(bot, origin);
    if (typeof mode !== 'string' || !MODES.includes(mode as LoginMode)) {
      throw new AppError('invalid_request', 'The sign-in mode must be popup or iframe.', 400, { detail: 'mode must be popup or iframe' });
    }
    if (conversation !== undefined && (typeof conversation !== 'string' || !CONVERSATION.test(conversation))) {
      throw new AppError('invalid_request', 'The conversation id is not valid.', 400, {
        detail: 'conversation must be 1-512 printable ASCII characters without spaces',
      });
    }
    return { bot: checked.id, origin: checked.origin, mode: mode as LoginMode, ...(conversation !== undefined && { conversation }) };
  }

  /** SSO always runs in a popup (identity providers refuse to be framed); from an iframe the page opens one. */
  private ssoButtons(bot: LoginBot, state: LoginFormState): SsoButton[] {
    return Object.keys(this.config.sso).map((provider) => {
      const query = new URLSearchParams({ bot: bot.id, origin: bot.origin, mode: 'popup' });
      if (state.conversation !== undefined) query.set('conversation', state.conversation);
      return {
        provider,
        label: `Sign in with ${providerLabel(provider, this.config.sso[provider])}`,
        href: `/sso/${encodeURIComponent(provider)}/start?${query.toString()}`,
      };
    });
  }

  private validBot(context: { state?: LoginFormState; form?: Partial<LoginForm> }): LoginBot | undefined {
    const source = context.state ?? context.form;
    if (!source) return undefined;
    try {
      return this.bots.check(source.bot, source.origin);
    } catch {
      return undefined;
    }
  }
}

function stringFields(query: Record<string, unknown>): Partial<LoginForm> {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { bot: text(query.bot), origin: text(query.origin), mode: text(query.mode), conversation: text(query.conversation) };
}

function validConversation(value: string | undefined): string | undefined {
  return value !== undefined && CONVERSATION.test(value) ? value : undefined;
}

function providerLabel(key: string, provider: object): string {
  const named = (provider as { displayName?: unknown; name?: unknown }).displayName ?? (provider as { name?: unknown }).name;
  return typeof named === 'string' && named.trim() !== '' ? named : key.charAt(0).toUpperCase() + key.slice(1);
}

function titleFor(status: number): string {
  if (status === 400) return "This sign-in link isn't valid";
  if (status === 413 || status === 415) return "We couldn't read that form";
  if (status === 429) return 'Too many attempts';
  if (status >= 500) return 'Please try again in a moment';
  return "We couldn't sign you in";
}

/** "15 minutes", "1 minute", "40 seconds" — rounded up, never "0". */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} second${seconds <= 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hours`;
}
