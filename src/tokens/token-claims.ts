/** The claims of a chatwarden token (SPEC.md "Tokens and keys"). Short names keep the token under 400 characters. */
import type { AuthMethod } from '../sessions/session.service.js';

export interface TokenClaims {
  iss: string;
  /** Bot id. */
  aud: string;
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  perms: string[];
  amr: AuthMethod;
  /** Conversation the token is bound to. */
  conv?: string;
}

const AUTH_METHODS: ReadonlySet<unknown> = new Set(['pwd', 'sso', 'trusted']);
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isTime = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/** Narrows a decrypted payload; anything of the wrong shape is not a token of ours. */
export function isTokenClaims(value: unknown): value is TokenClaims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    isString(c.iss) && isString(c.aud) && isString(c.sub) && isString(c.sid) && isString(c.jti) &&
    isTime(c.iat) && isTime(c.nbf) && isTime(c.exp) &&
    Array.isArray(c.perms) && c.perms.every(isString) &&
    AUTH_METHODS.has(c.amr) &&
    (c.conv === undefined || isString(c.conv))
  );
}
