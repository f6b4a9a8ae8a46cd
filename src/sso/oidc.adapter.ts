/**
 * The one file that talks to OpenID providers (openid-client v6): discovery,
 * the authorization request and the code exchange. Everything the provider
 * can do wrong leaves this file as one of three typed errors, so the SSO
 * service decides pages and audit lines without knowing openid-client.
 *
 * Discovery (OIDC Discovery §4) runs on first use and is cached per
 * provider. A failure is not cached: the next request tries again, but not
 * before DISCOVERY_RETRY_MS, so a provider that is down is not hammered and
 * users get an answer at once instead of waiting for a timeout each time.
 * A transport failure at the token endpoint drops the cached metadata, so a
 * provider that moved its endpoints is rediscovered.
 */
import { Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { AppConfig } from '../config/app-config.js';
import type { SsoProviderConfig } from '../config/config.schema.js';

/** How long after a failed discovery requests fail fast instead of trying again. */
export const DISCOVERY_RETRY_MS = 5000;

/** openid-client codes for "no usable answer": a timeout, or an error page instead of an OAuth response. */
const UNAVAILABLE_CODES = new Set(['OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON']);

/** Per-request timeout towards the provider (seconds; openid-client's unit). */
const REQUEST_TIMEOUT_SECONDS = 10;

/** The values a flow must remember between the redirect and the callback. */
export interface OidcFlowChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcAuthorization extends OidcFlowChecks {
  url: URL;
}

/** Validated ID token claims, plus userinfo claims the ID token lacked. */
export type OidcClaims = Record<string, unknown> & { sub: string };

/** The provider could not be reached, timed out, or answered with something that is not OAuth. */
export class OidcUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OidcUnavailableError';
  }
}

/** The provider answered with an OAuth error (`error` is its code, e.g. `invalid_grant`). */
export class OidcRejectedError extends Error {
  constructor(readonly error: string, options?: ErrorOptions) {
    super(`the provider answered ${error}`, options);
    this.name = 'OidcRejectedError';
  }
}

/** The provider's response failed validation (ID token signature, iss, aud, nonce, expiry …). */
export class OidcInvalidResponseError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OidcInvalidResponseError';
  }
}

interface DiscoveryEntry {
  configuration?: oidc.Configuration;
  pending?: Promise<oidc.Configuration>;
  failedAt?: number;
}

@Injectable()
export class OidcAdapter {
  private readonly logger = new Logger('OidcAdapter');
  private readonly discovered = new Map<string, DiscoveryEntry>();

  constructor(private readonly config: AppConfig) {}

  /**
   * A fresh authorization request: code flow (OIDC Core §3.1.2.1) with PKCE
   * S256 (RFC 7636 §4.1-4.3), a random `state` against CSRF and a random
   * `nonce` bound into the ID token against replay (OIDC Core §3.1.2.1, §15.5.2).
   */
  async authorizationRequest(provider: string, redirectUri: string): Promise<OidcAuthorization> {
    const settings = this.settings(provider);
    const configuration = await this.configuration(provider);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: scopeOf(settings),
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, state, nonce, codeVerifier };
  }

  /**
   * Validates the authorization response at `callbackUrl` (the registered
   * redirect URI plus the query the provider sent, `iss` included for
   * RFC 9207), redeems the code with the PKCE verifier and checks the ID
   * token, nonce included (OIDC Core §3.1.3.7). When the role claim is not in
   * the ID token (many providers keep scope claims for userinfo, OIDC Core
   * §5.4), it is read from the userinfo endpoint, whose `sub` must match
   * (OIDC Core §5.3.2).
   */
  async exchangeCode(provider: string, callbackUrl: URL, checks: OidcFlowChecks): Promise<OidcClaims> {
    const settings = this.settings(provider);
    const configuration = await this.configuration(provider);
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.codeVerifier,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new OidcInvalidResponseError('the token response has no ID token');
      const claims: OidcClaims = { ...idClaims };
      const roleClaim = settings.roleClaim;
      if (roleClaim && readClaim(claims, roleClaim) === undefined && configuration.serverMetadata().userinfo_endpoint) {
        const userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
        const roles = readClaim(userinfo, roleClaim);
        if (roles !== undefined) claims[roleClaim] = roles;
      }
      return claims;
    } catch (error) {
      throw this.translate(provider, error);
    }
  }

  /** Forgets what was discovered (the provider's metadata may have changed). */
  forget(provider: string): void {
    this.discovered.delete(provider);
  }

  private settings(provider: string): SsoProviderConfig {
    if (!Object.hasOwn(this.config.sso, provider)) throw new Error(`unknown SSO provider ${provider}`);
    return this.config.sso[provider];
  }

  private configuration(provider: string): Promise<oidc.Configuration> {
    const entry = this.discovered.get(provider) ?? {};
    this.discovered.set(provider, entry);
    if (entry.configuration) return Promise.resolve(entry.configuration);
    // Concurrent first requests share one discovery.
    if (entry.pending) return entry.pending;
    if (entry.failedAt !== undefined && Date.now() - entry.failedAt < DISCOVERY_RETRY_MS) {
      return Promise.reject(new OidcUnavailableError('discovery failed moments ago; waiting before trying again'));
    }
    entry.pending = this.discover(provider).then(
      (configuration) => {
        entry.configuration = configuration;
        entry.failedAt = undefined;
        entry.pending = undefined;
        return configuration;
      },
      (error: unknown) => {
        entry.failedAt = Date.now();
        entry.pending = undefined;
        this.logger.warn(`SSO provider ${provider}: discovery failed: ${describe(error)}`);
        throw new OidcUnavailableError('discovery failed', { cause: error });
      },
    );
    return entry.pending;
  }

  private discover(provider: string): Promise<oidc.Configuration> {
    const settings = this.settings(provider);
    // RFC 6749 §2.3.1: servers must support client_secret_basic; only a
    // provider that says it lacks it gets the secret in the body instead.
    const authentication = (metadata: oidc.ServerMetadata): oidc.ClientAuth => {
      if (settings.clientSecret === undefined) return oidc.None();
      const methods = metadata.token_endpoint_auth_methods_supported;
      return methods && !methods.includes('client_secret_basic') && methods.includes('client_secret_post')
        ? oidc.ClientSecretPost(settings.clientSecret)
        : oidc.ClientSecretBasic(settings.clientSecret);
    };
    return (async () => {
      // The issuer URL must equal the discovered `issuer` (OIDC Discovery §4.3); openid-client checks it.
      const discovered = await oidc.discovery(new URL(settings.issuer), settings.clientId, undefined, undefined, {
        timeout: REQUEST_TIMEOUT_SECONDS,
        // Only reachable for loopback issuers: SsoModule refuses any other http issuer at boot.
        execute: settingsAllowHttp(settings) ? [oidc.allowInsecureRequests] : [],
      });
      const metadata = discovered.serverMetadata();
      const configuration = new oidc.Configuration(metadata, settings.clientId, settings.clientSecret, authentication(metadata));
      configuration.timeout = REQUEST_TIMEOUT_SECONDS;
      if (settingsAllowHttp(settings)) oidc.allowInsecureRequests(configuration);
      return configuration;
    })();
  }

  /** Maps whatever openid-client or the network threw to one of the three adapter errors. */
  private translate(provider: string, error: unknown): Error {
    if (error instanceof OidcInvalidResponseError || error instanceof OidcUnavailableError) return error;
    if (error instanceof oidc.ResponseBodyError) {
      // RFC 6749 §5.2 error codes; invalid_grant is a bad, used or expired code.
      return error.status >= 500 ? new OidcUnavailableError(`token endpoint answered ${error.status}`, { cause: error }) : new OidcRejectedError(error.error, { cause: error });
    }
    if (error instanceof oidc.WWWAuthenticateChallengeError) {
      return new OidcRejectedError(error.cause[0]?.parameters.error ?? 'invalid_client', { cause: error });
    }
    if (error instanceof oidc.AuthorizationResponseError) return new OidcRejectedError(error.error, { cause: error });
    // openid-client rethrows fetch's TypeError, or wraps it (and timeouts) in a ClientError.
    const transport = isTransportFailure(error) || (error instanceof oidc.ClientError && (UNAVAILABLE_CODES.has(error.code ?? '') || isTransportFailure(error.cause)));
    if (transport) {
      this.forget(provider);
      return new OidcUnavailableError(describe(error), { cause: error });
    }
    if (error instanceof oidc.ClientError) return new OidcInvalidResponseError(error.message, { cause: error });
    return error instanceof Error ? error : new Error(describe(error));
  }
}

/** `openid` is always requested: without it there is no ID token (OIDC Core §3.1.2.1). */
function scopeOf(settings: SsoProviderConfig): string {
  return [...new Set(['openid', ...settings.scopes])].join(' ');
}

export function settingsAllowHttp(settings: SsoProviderConfig): boolean {
  return settings.allowInsecureHttp === true && isLoopbackHttp(settings.issuer);
}

export function isLoopbackHttp(issuer: string): boolean {
  const url = new URL(issuer);
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/**
 * A claim by exact name (`groups`, `https://example.com/roles`), else by a
 * dotted path into nested objects (`realm_access.roles`).
 */
export function readClaim(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  if (!name.includes('.')) return undefined;
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * fetch() failures: refused, reset, DNS, TLS, and our timeout. Recognised by
 * name rather than instanceof, because fetch's errors may come from another
 * realm (its TypeError is not this module's TypeError under a VM sandbox).
 */
function isTransportFailure(error: unknown): boolean {
  const { name, message, cause } = errorParts(error);
  if (name === 'TimeoutError' || name === 'AbortError') return true;
  return name === 'TypeError' && (message === 'fetch failed' || errorParts(cause).code !== undefined);
}

/** An error's message and its cause's code, for operators' logs; openid-client messages carry no secrets. */
function describe(error: unknown): string {
  const { message, cause } = errorParts(error);
  const detail = errorParts(cause).code ?? errorParts(cause).message;
  return detail ? `${message} (${detail})` : (message ?? String(error));
}

function errorParts(error: unknown): { name?: string; message?: string; code?: string; cause?: unknown } {
  if (typeof error !== 'object' || error === null) return {};
  const { name, message, code, cause } = error as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { name: text(name), message: text(message), code: text(code), cause };
}
