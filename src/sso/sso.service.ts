/**
 * The rules of SSO login (SPEC.md "Browser", `/sso/:provider/start` and
 * `/callback`): the OpenID Connect code flow with PKCE, state and nonce,
 * ending like a password login through LoginCompletionService.
 *
 * Flow state lives in the store under `sso:<state>` for FLOW_TTL_SECONDS and
 * is taken exactly once (GETDEL), so a replayed, unknown or expired state
 * fails the same way, on any instance. The flow is also bound to the browser
 * that started it by a cookie whose hash is in the flow (OIDC Core §3.1.2.1
 * on `state`, RFC 9700 §4.7.1): a callback URL lured into another browser
 * cannot log that browser in as someone else, and since the binding is
 * checked before the flow is taken, such a callback does not spend the
 * user's own sign-in either.
 */
import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { AppConfig } from '../config/app-config.js';
import type { SsoProviderConfig } from '../config/config.schema.js';
import { constantTimeEqual } from '../crypto/constant-time.js';
import { sha256Hex } from '../crypto/hash.js';
import { randomToken } from '../crypto/random.js';
import { BotOriginService } from '../login/bot-origin.service.js';
import type { BrowserPage } from '../login/browser-page.js';
import { LoginCompletionService, type CompletedLogin } from '../login/login-completion.service.js';
import { loginUrl, renderErrorPage, type LoginMode } from '../login/login-pages.js';
import { AuditLog } from '../observability/audit-log.js';
import { Store } from '../store/store.js';
import {
  OidcAdapter,
  OidcInvalidResponseError,
  OidcRejectedError,
  OidcUnavailableError,
  readClaim,
} from './oidc.adapter.js';
import { mapRoles } from './role-mapping.js';
import { SsoError, type SsoFailureContext } from './sso-errors.js';

/** How long a user has to finish signing in at the provider. */
export const FLOW_TTL_SECONDS = 600;

/**
 * The cookie binding a flow to the browser that started it. Over https it
 * carries the `__Host-` prefix, so no sibling subdomain can plant a binding
 * of its choosing in the user's browser (RFC 6265bis §4.1.3.2).
 */
const BINDING_COOKIE = 'cw_sso';
const HOST_BINDING_COOKIE = '__Host-cw_sso';

const FLOW_KEY_PREFIX = 'sso:';
/** openid-client's randomState() is 32 random bytes in base64url; anything else was never ours. */
const STATE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
const BINDING_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** OIDC Core §2: `sub` is at most 255 ASCII characters. */
const SUB_MAX = 255;

export interface SsoStartInput {
  provider: string;
  bot: string;
  origin: string;
  mode: LoginMode;
  conversation?: string;
  /** The request's Cookie header: an existing binding is reused, so two tabs can sign in at once. */
  cookieHeader?: string;
}

export interface SsoStart {
  /** The provider's authorization endpoint with the request parameters. */
  url: string;
  /** The Set-Cookie value binding the flow to this browser. */
  setCookie: string;
}

/** A successful callback: who signed in, and where the token goes. */
export interface SsoLogin {
  provider: string;
  login: CompletedLogin;
}

/** What the store keeps between start and callback; never logged (it holds the PKCE verifier). */
interface SsoFlow {
  provider: string;
  bot: string;
  origin: string;
  mode: LoginMode;
  conversation?: string;
  codeVerifier: string;
  nonce: string;
  /** SHA-256 of the browser binding cookie. */
  browser: string;
}

@Injectable()
export class SsoService {
  private readonly logger = new Logger('SsoService');

  constructor(
    private readonly config: AppConfig,
    private readonly store: Store,
    private readonly oidc: OidcAdapter,
    private readonly bots: BotOriginService,
    private readonly completion: LoginCompletionService,
    private readonly audit: AuditLog,
  ) {}

  /** The redirect to the provider, after checking the bot and origin like the login page does. */
  async start(input: SsoStartInput): Promise<SsoStart> {
    this.settings(input.provider);
    const context: SsoFailureContext = { provider: input.provider, bot: input.bot, mode: input.mode, conversation: input.conversation };
    // Throws a 400 AppError (unknown_bot / origin_not_allowed): the page then names no bot, none was proven.
    const bot = this.bots.check(input.bot, input.origin);
    context.origin = bot.origin;
    const binding = this.bindingFrom(input.cookieHeader) ?? randomToken(32);
    try {
      const request = await this.oidc.authorizationRequest(input.provider, this.redirectUri(input.provider));
      const flow: SsoFlow = {
        provider: input.provider,
        bot: bot.id,
        origin: bot.origin,
        mode: input.mode,
        ...(input.conversation !== undefined && { conversation: input.conversation }),
        codeVerifier: request.codeVerifier,
        nonce: request.nonce,
        browser: sha256Hex(binding),
      };
      await this.store.set(FLOW_KEY_PREFIX + request.state, JSON.stringify(flow), FLOW_TTL_SECONDS);
      return { url: request.url.href, setCookie: this.bindingCookie(binding) };
    } catch (error) {
      throw this.asSsoError(error, context);
    }
  }

  /**
   * The callback's authentication (run by the passport strategy): take the
   * flow for `state`, check the browser binding, handle a provider error,
   * redeem the code and map the claims. Every failure is an SsoError and a
   * `login.failure` audit line.
   */
  async authenticate(provider: string, query: unknown, cookieHeader: string | undefined): Promise<SsoLogin> {
    let context: SsoFailureContext = { provider };
    try {
      const settings = this.settings(provider);
      const params = callbackParams(query);
      const flow = await this.takeFlow(provider, params.get('state'), cookieHeader);
      context = { provider, bot: flow.bot, origin: flow.origin, mode: flow.mode, conversation: flow.conversation };
      // The bot or its origins may have changed since the flow began (another instance, a new deploy).
      this.bots.check(flow.bot, flow.origin);
      const error = params.get('error');
      if (error !== null) {
        // RFC 6749 §4.1.2.1: access_denied is the user saying no; anything else is the provider's problem.
        if (error === 'access_denied') throw new SsoError('sso_cancelled', context, 'access_denied');
        if (error === 'temporarily_unavailable') throw new SsoError('sso_provider_unavailable', context, error);
        throw new SsoError('sso_provider_error', context, `authorization error ${error.slice(0, 64)}`);
      }
      if (!params.get('code')) throw new SsoError('sso_invalid_request', context, 'no code in the callback');
      const claims = await this.oidc.exchangeCode(provider, this.callbackUrl(provider, params), {
        state: params.get('state') ?? '',
        nonce: flow.nonce,
        codeVerifier: flow.codeVerifier,
      });
      if (claims.sub.length > SUB_MAX) throw new SsoError('sso_failed', context, 'sub longer than 255 characters');
      const roles = settings.roleClaim ? mapRoles(readClaim(claims, settings.roleClaim), settings.roleMap, this.config.roles) : [];
      return {
        provider,
        login: {
          bot: flow.bot,
          origin: flow.origin,
          mode: flow.mode,
          // Prefixed with the provider: `corp:42` can collide neither with a local user nor with another provider's `42`.
          subject: `${provider}:${claims.sub}`,
          roles,
          amr: 'sso',
          // The ID token / userinfo claims: the bot's `profile` picks which (email, name) its identity proofs carry.
          attributes: claims,
          ...(flow.conversation !== undefined && { conversation: flow.conversation }),
        },
      };
    } catch (error) {
      const failure = this.asSsoError(error, context);
      this.audit.record('login.failure', {
        method: 'sso',
        provider,
        reason: failure instanceof AppError ? failure.code : 'internal_error',
        ...(context.bot !== undefined && { bot: context.bot }),
      });
      throw failure;
    }
  }

  /** Issues the token and renders the page that hands it to the host site (LoginCompletionService audits `login.success`). */
  complete(sso: SsoLogin): Promise<BrowserPage> {
    return this.completion.complete(sso.login);
  }

  /**
   * The friendly page for any failure on the SSO routes: an SsoError or a
   * domain AppError keeps its status, an unreachable store is a 503, and
   * anything unexpected is logged and shown as a generic page (never a
   * stack trace).
   */
  errorPage(error: unknown): BrowserPage {
    if (error instanceof SsoError) {
      if (error.reason) this.logger.warn(`SSO ${error.context.provider ?? '?'}: ${error.code}: ${error.reason}`);
      return this.page(error.status, error.title, error.message, error.context);
    }
    if (error instanceof AppError) {
      if (error.status >= 500) return this.page(error.status, 'Please try again in a moment', "We can't sign you in right now. Please try again in a moment.", {});
      // The popup user needs to know only that the link is wrong, not which field.
      const message = error.code === 'invalid_request' ? new SsoError('sso_invalid_request').message : error.message;
      return this.page(error.status, 'Sign-in unavailable', message, {});
    }
    this.logger.error(`SSO request failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return this.page(500, "We couldn't sign you in", 'Something went wrong on our side. Please try again later.', {});
  }

  /** `${publicUrl}/sso/<provider>/callback`: what the provider must have registered for this client. */
  redirectUri(provider: string): string {
    const base = this.config.publicUrl.endsWith('/') ? this.config.publicUrl : `${this.config.publicUrl}/`;
    return new URL(`sso/${encodeURIComponent(provider)}/callback`, base).href;
  }

  private settings(provider: string): SsoProviderConfig {
    if (!Object.hasOwn(this.config.sso, provider)) throw new SsoError('sso_unknown_provider', { provider });
    return this.config.sso[provider];
  }

  /**
   * The flow for `state`, spent only once this browser proved it started it.
   * Read, check provider and binding, then take (GETDEL): a callback URL that
   * leaks (Referer, history, a link scanner fetching it first) is refused in
   * every other browser without spending the flow, so the user's own
   * callback still succeeds. Of two callbacks from the binding browser, only
   * the one whose take returns the flow goes on.
   */
  private async takeFlow(provider: string, state: string | null, cookieHeader: string | undefined): Promise<SsoFlow> {
    if (state === null || !STATE_PATTERN.test(state)) throw new SsoError('sso_flow_invalid', { provider }, 'missing or malformed state');
    const key = FLOW_KEY_PREFIX + state;
    const stored = await this.store.get(key);
    if (stored === null) throw new SsoError('sso_flow_invalid', { provider }, 'unknown, used or expired state');
    const flow = JSON.parse(stored) as SsoFlow;
    if (flow.provider !== provider) throw new SsoError('sso_flow_invalid', { provider }, 'state belongs to another provider');
    const binding = this.bindingFrom(cookieHeader);
    if (binding === undefined || !constantTimeEqual(sha256Hex(binding), flow.browser)) {
      throw new SsoError('sso_flow_invalid', { provider }, 'callback in a browser that did not start this flow');
    }
    // Spent from here on, whatever the provider answers next. A null take: a concurrent callback of the same browser won.
    const taken = await this.store.take(key);
    if (taken === null) throw new SsoError('sso_flow_invalid', { provider }, 'state used by a concurrent callback');
    return flow;
  }

  /** The redirect URI plus the provider's parameters, as openid-client validates it (RFC 9207 `iss` included). */
  private callbackUrl(provider: string, params: URLSearchParams): URL {
    const url = new URL(this.redirectUri(provider));
    for (const [name, value] of params) url.searchParams.append(name, value);
    return url;
  }

  private bindingCookie(binding: string): string {
    // Lax: the provider's redirect back is a top-level GET navigation, which Lax cookies accompany.
    const attributes = `Max-Age=${FLOW_TTL_SECONDS}; HttpOnly; SameSite=Lax`;
    return this.secure()
      ? `${HOST_BINDING_COOKIE}=${binding}; Path=/; ${attributes}; Secure`
      : `${BINDING_COOKIE}=${binding}; Path=/sso/; ${attributes}`;
  }

  private bindingFrom(cookieHeader: string | undefined): string | undefined {
    const name = this.secure() ? HOST_BINDING_COOKIE : BINDING_COOKIE;
    for (const part of (cookieHeader ?? '').split(';')) {
      const [key, value] = part.trim().split('=', 2);
      if (key === name && value !== undefined && BINDING_PATTERN.test(value)) return value;
    }
    return undefined;
  }

  /** Browsers reach us over https (anything else is local development). */
  private secure(): boolean {
    return this.config.publicUrl.startsWith('https:');
  }

  private asSsoError(error: unknown, context: SsoFailureContext): unknown {
    if (error instanceof SsoError) return error;
    if (error instanceof OidcUnavailableError) return new SsoError('sso_provider_unavailable', context, error.message);
    if (error instanceof OidcRejectedError) {
      // invalid_grant: the code is wrong, used or expired (RFC 6749 §5.2) — the user can simply start again.
      return new SsoError(error.error === 'invalid_grant' ? 'sso_failed' : 'sso_provider_error', context, error.message);
    }
    if (error instanceof OidcInvalidResponseError) return new SsoError('sso_failed', context, error.message);
    return error;
  }

  /** Branded with the bot only once its origin was validated; SSO pages are never framed (they run in a popup). */
  private page(status: number, title: string, message: string, context: SsoFailureContext): BrowserPage {
    const bot = context.bot !== undefined && context.origin !== undefined ? this.bots.find(context.bot) : undefined;
    const validated = bot && bot.origins.includes(context.origin ?? '') ? bot : undefined;
    return renderErrorPage({
      status,
      title,
      message,
      bot: validated && { ...validated, origins: [] },
      retryUrl: validated && loginUrl({ id: validated.id, origin: context.origin ?? '' }, context.mode ?? 'popup', context.conversation),
    });
  }
}

/** The callback's query as URLSearchParams; a repeated parameter is refused (RFC 6749 §3.1). */
function callbackParams(query: unknown): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new SsoError('sso_invalid_request', {}, `parameter ${name.slice(0, 32)} repeated or malformed`);
    params.set(name, value);
  }
  return params;
}
