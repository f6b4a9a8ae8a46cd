/**
 * Issues, verifies, refreshes and ends user tokens. The rules of SPEC.md
 * "Tokens and keys" and the verify error codes live here; controllers and the
 * CLI only translate.
 */
import { Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { BotConfig } from '../config/config.schema.js';
import { unknownName } from '../common/error-catalog.js';
import { ownEntry } from '../common/own-entry.js';
import { decryptToken, encryptClaims, TokenCipherError } from '../crypto/token-cipher.js';
import { randomToken } from '../crypto/random.js';
import { TokenKeyRing } from '../keys/token-key-ring.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { IdentityService, type IdentityProofs } from '../identity/identity.service.js';
import { AuditLog } from '../observability/audit-log.js';
import { ChatVariablePort, type ChatVariableOutcome } from './chat-variable.port.js';
import { SessionService, type AuthMethod, type SessionRecord } from '../sessions/session.service.js';
import { isTokenClaims, type TokenClaims } from './token-claims.js';
import { tokenError } from './token-errors.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** Tolerated clock difference between instances for `nbf`. */
const CLOCK_SKEW_SECONDS = 30;

/**
 * `iss` of every token. A short constant rather than publicUrl: vendors keep
 * the token in a chat variable, and SPEC.md wants a token with four
 * permissions under 400 characters. Only chatwarden ever reads these claims.
 */
export const TOKEN_ISSUER = 'chatwarden';

export interface IssueRequest {
  bot: string;
  subject: string;
  roles?: string[];
  permissions?: string[];
  conversationId?: string;
  ttlSeconds?: number;
  amr: AuthMethod;
  chatSession?: string;
  /** The user's attributes (users file, SSO claims, the issuing site); only those `bots.<id>.profile` names are kept. */
  attributes?: Record<string, unknown>;
  /** Identity proofs the caller needs; one the bot does not configure refuses the request. */
  identity?: string[];
}

export interface IssuedToken {
  token: string;
  expiresAt: string;
  sessionId: string;
  /** Present when the session pushes tokens into a chat variable server side. */
  chatVariable?: ChatVariableOutcome;
  /** Vendor identity proofs (`bots.<id>.identity`), none outliving the token. */
  identity?: IdentityProofs;
}

export interface VerifyExpectations {
  bot?: string;
  action?: string;
  permissions?: string[];
  conversationId?: string;
}

export interface VerifiedToken {
  valid: true;
  subject: string;
  bot: string;
  sessionId: string;
  permissions: string[];
  authMethod: AuthMethod;
  expiresAt: string;
  conversationId?: string;
  /** Which key decrypted the token (metrics: when is a retiring key safe to drop). */
  kid: string;
}

@Injectable()
export class TokenService {
  private readonly cache: VerifiedTokenCache;

  constructor(
    private readonly config: AppConfig,
    private readonly keyRing: TokenKeyRing,
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    private readonly chatVariables: ChatVariablePort,
    @Optional() private readonly metrics?: MetricsService,
    @Optional() private readonly identity?: IdentityService,
  ) {
    this.cache = new VerifiedTokenCache(config.tokens.verifyCacheSize);
    // `keys revoke` / `keys prune`: once the ring unloads a key, nothing it decrypted is served from the cache.
    keyRing.onKeysDropped((kids) => this.cache.dropKeys(kids));
  }

  /** Permissions granted by `roles` plus the explicit ones, de-duplicated. */
  permissionsFor(roles: string[] = [], permissions: string[] = []): string[] {
    const granted = new Set(permissions);
    for (const role of roles) {
      // Own keys only: `constructor` or `__proto__` is an unknown role, never Object's (SPEC.md "Errors for integrators").
      const rolePermissions = ownEntry(this.config.roles, role);
      if (!rolePermissions) throw unknownName('unknown_role', role, Object.keys(this.config.roles));
      rolePermissions.forEach((p) => granted.add(p));
    }
    return [...granted].sort();
  }

  async issue(request: IssueRequest): Promise<IssuedToken> {
    this.botConfig(request.bot);
    const perms = this.permissionsFor(request.roles, request.permissions);
    // Identity proofs are checked before the session exists: a refused proof never leaves a half-made login.
    this.identity?.assertCanMint(request.bot, request.subject, request.identity);
    const profile = this.identity?.profileFor(request.bot, request.attributes);
    const { sessionId, record } = await this.sessions.create({
      sub: request.subject,
      bot: request.bot,
      amr: request.amr,
      perms,
      conv: request.conversationId,
      chatSession: request.chatSession,
      ...(profile !== undefined && { profile }),
    });
    const issued = await this.withIdentity(record, await this.mint(sessionId, record, request.ttlSeconds)).catch(async (error: unknown) => {
      await this.sessions.end(sessionId);
      throw error;
    });
    this.audit.record('token.issue', {
      subject: request.subject,
      bot: request.bot,
      sessionId,
      amr: request.amr,
      // Which vendor identity proofs went out with it (names only).
      ...(issued.identity !== undefined && { identity: Object.keys(issued.identity) }),
    });
    return this.publish(record, issued);
  }

  /** A fresh token for the same live session (the widget calls this before expiry). */
  async refresh(token: string): Promise<IssuedToken> {
    // Not a webhook verify: a bot's requireConversation does not apply to the widget refreshing its token.
    const { verified, session: record } = await this.check(token, {}, false);
    const issued = await this.withIdentity(record, await this.mint(verified.sessionId, record));
    this.audit.record('token.refresh', { subject: record.sub, bot: record.bot, sessionId: verified.sessionId });
    return this.publish(record, issued);
  }

  /** Adds the bot's vendor identity proofs, expiring with the token. */
  private async withIdentity(session: SessionRecord, issued: IssuedToken): Promise<IssuedToken> {
    const expiresAt = Math.floor(Date.parse(issued.expiresAt) / 1000);
    const identity = await this.identity?.mint(session.bot, { subject: session.sub, profile: session.profile ?? {} }, expiresAt);
    return identity === undefined ? issued : { ...issued, identity };
  }

  /** Hands the new token to the conversation's chat variable when the session has one. */
  private async publish(session: SessionRecord, issued: IssuedToken): Promise<IssuedToken> {
    const chatVariable = await this.chatVariables.publish(session, issued.token);
    return chatVariable === undefined ? issued : { ...issued, chatVariable };
  }

  /** Ends the session of `token`. An expired token may still log out its session. */
  async logout(token: string): Promise<{ sessionId: string; record: SessionRecord } | null> {
    const { claims } = await this.decrypt(token);
    const record = await this.sessions.end(claims.sid);
    if (record) this.audit.record('session.logout', { subject: record.sub, bot: record.bot, sessionId: claims.sid });
    return record ? { sessionId: claims.sid, record } : null;
  }

  async verify(token: string | undefined, expect: VerifyExpectations = {}): Promise<VerifiedToken> {
    return (await this.check(token, expect, true)).verified;
  }

  /**
   * verify(), also returning the live session record (one store round trip for both).
   * `webhookVerify`: the caller checks a token for a webhook action, so the bot's
   * `requireConversation` applies (SPEC.md "Conversation binding").
   */
  private async check(
    token: string | undefined,
    expect: VerifyExpectations,
    webhookVerify: boolean,
  ): Promise<{ verified: VerifiedToken; session: SessionRecord }> {
    // A bot the config does not have is the caller's mistake, whatever the token: say so first (not `wrong_bot`).
    if (expect.bot !== undefined) this.botConfig(expect.bot);
    const now = Math.floor(Date.now() / 1000);
    const { claims, kid } = await this.decrypt(token, now);
    if (claims.exp <= now) throw tokenError('token_expired');
    if (claims.nbf > now + CLOCK_SKEW_SECONDS) throw tokenError('token_invalid');
    const botConfig = ownEntry(this.config.bots, claims.aud);
    if (!botConfig) throw tokenError('token_invalid', 'the token names a bot that is no longer configured');
    if (expect.bot !== undefined && expect.bot !== claims.aud) throw tokenError('wrong_bot');
    if (expect.conversationId !== undefined && claims.conv !== undefined && claims.conv !== expect.conversationId) {
      throw tokenError('conversation_mismatch');
    }
    // A bot that requires binding refuses a verify without a conversation id, and a token bound to none.
    if (webhookVerify && botConfig.requireConversation === true && (!expect.conversationId || claims.conv === undefined)) {
      throw tokenError('conversation_mismatch');
    }
    const required = this.requiredPermissions(claims.aud, expect);

    const session = await this.sessions.touch(claims.sid);
    if (!session || session.sub !== claims.sub || session.bot !== claims.aud) throw tokenError('session_revoked');

    if (!required.every((p) => claims.perms.includes(p))) throw tokenError('permission_denied');
    this.metrics?.tokenDecrypted(kid);
    const verified: VerifiedToken = {
      valid: true,
      subject: claims.sub,
      bot: claims.aud,
      sessionId: claims.sid,
      permissions: claims.perms,
      authMethod: claims.amr,
      expiresAt: new Date(claims.exp * 1000).toISOString(),
      ...(claims.conv !== undefined && { conversationId: claims.conv }),
      kid,
    };
    return { verified, session };
  }

  /** Decrypted and shape-checked claims (cached); no time, bot or session checks. */
  async inspect(token: string): Promise<{ claims: TokenClaims; kid: string }> {
    return this.decrypt(token);
  }

  /** A configured bot, looked up as an own key; `unknown_bot` naming the configured ones otherwise (callers hold an API key or the CLI). */
  private botConfig(bot: string): BotConfig {
    const found = ownEntry(this.config.bots, bot);
    if (!found) throw unknownName('unknown_bot', bot, Object.keys(this.config.bots));
    return found;
  }

  private requiredPermissions(bot: string, expect: VerifyExpectations): string[] {
    const required = [...(expect.permissions ?? [])];
    if (expect.action !== undefined) {
      const actions = ownEntry(this.config.bots, bot)?.actions;
      const actionPermissions = ownEntry(actions, expect.action);
      if (!actionPermissions) throw unknownName('unknown_action', expect.action, Object.keys(actions ?? {}));
      required.push(...actionPermissions);
    }
    return required;
  }

  private async decrypt(token: string | undefined, now = Math.floor(Date.now() / 1000)): Promise<{ claims: TokenClaims; kid: string }> {
    if (typeof token !== 'string' || token.trim() === '') throw tokenError('token_missing', 'no token was sent');
    const cached = this.cache.get(token, now);
    if (cached) return cached;
    let decrypted: { payload: unknown; kid: string };
    try {
      decrypted = await decryptToken(token, this.keyRing.keyFor);
    } catch (error) {
      if (error instanceof TokenCipherError) {
        throw error.reason === 'malformed'
          ? tokenError('token_malformed', 'this is not a chatwarden token: a compact JWE of five base64url parts')
          : tokenError('token_invalid', 'the token does not decrypt with any loaded token key');
      }
      throw error;
    }
    const { payload, kid } = decrypted;
    if (!isTokenClaims(payload) || payload.iss !== TOKEN_ISSUER) throw tokenError('token_invalid');
    // Expired tokens are not cached: the cache must never outlive `exp`.
    if (payload.exp > now) this.cache.set(token, payload, kid);
    return { claims: payload, kid };
  }

  private async mint(sessionId: string, session: SessionRecord, ttlSeconds?: number): Promise<IssuedToken> {
    const now = Math.floor(Date.now() / 1000);
    // A token never outlives its session's max age, nor the configured TTL.
    const ttl = Math.min(ttlSeconds ?? this.config.tokens.ttlSeconds, this.config.tokens.ttlSeconds);
    const exp = Math.min(now + ttl, Math.floor(session.maxUntil / 1000));
    const claims: TokenClaims = {
      iss: TOKEN_ISSUER,
      aud: session.bot,
      sub: session.sub,
      sid: sessionId,
      jti: randomToken(6),
      iat: now,
      nbf: now,
      exp,
      perms: session.perms,
      amr: session.amr,
      ...(session.conv !== undefined && { conv: session.conv }),
    };
    const token = await encryptClaims(claims, this.keyRing.activeKey());
    return { token, expiresAt: new Date(exp * 1000).toISOString(), sessionId };
  }
}
