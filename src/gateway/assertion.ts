/**
 * The `Chatwarden-Assertion` the gateway adds to every forwarded call
 * (SPEC.md "Webhook gateway"): a compact JWS over who the user is and what
 * was allowed, signed with the active ES256 signing key, checked by the
 * handler offline against /.well-known/jwks.json. One minute of life: it
 * vouches for this one call, not for a session.
 */
import { randomBytes } from 'node:crypto';
import type { JwtSigner } from '../keys/jwt-signer.js';
import type { WebhookToken } from '../webhooks/webhook-verification.service.js';

export const ASSERTION_HEADER = 'chatwarden-assertion';
export const ASSERTION_TYP = 'chatwarden-assertion+jwt';
export const ASSERTION_LIFETIME_SECONDS = 60;

export interface AssertionInput {
  issuer: string;
  audience: string;
  action: string;
  token: WebhookToken;
  /** The vendor's delivery id, when the scheme signs one. */
  eventId?: string;
  now?: number;
}

export function assertionClaims({ issuer, audience, action, token, eventId, now = Date.now() }: AssertionInput): Record<string, unknown> {
  const iat = Math.floor(now / 1000);
  return {
    iss: issuer,
    aud: audience,
    sub: token.subject,
    bot: token.bot,
    act: action,
    perms: token.permissions,
    sid: token.sessionId,
    amr: [token.authMethod],
    ...(token.conversationId !== undefined && { conv: token.conversationId }),
    // Without a vendor delivery id, a random one: the handler can still refuse a replayed assertion.
    jti: eventId ?? randomBytes(16).toString('base64url'),
    iat,
    exp: iat + ASSERTION_LIFETIME_SECONDS,
  };
}

export function signAssertion(signer: JwtSigner, input: AssertionInput): Promise<string> {
  return signer.signJwt(assertionClaims(input), { alg: 'ES256', typ: ASSERTION_TYP });
}
