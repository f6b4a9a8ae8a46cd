/**
 * Checking the `Chatwarden-Assertion` header the webhook gateway adds to
 * every call it forwards (SPEC.md "Webhook gateway"). Offline: the handler
 * needs only chatwarden's JWKS URL, fetched and cached by jose's
 * createRemoteJWKSet (a `kid` it does not know triggers one refetch, at most
 * once per cool-down, so a key rotation is picked up without a restart and
 * a flood of made-up kids cannot hammer the JWKS). Algorithms are pinned to
 * what the gateway signs with (ES256, RS256), the `typ` to the assertion's.
 * No other chatwarden code is needed: this file imports only jose.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

export const ASSERTION_HEADER = 'chatwarden-assertion';
export const ASSERTION_TYP = 'chatwarden-assertion+jwt';
const ALGORITHMS = ['ES256', 'RS256'];

export interface AssertionOptions {
  /** chatwarden's `<publicUrl>/.well-known/jwks.json`. */
  jwksUrl: string | URL;
  /** The `aud` the gateway was configured with (`gateway.audience`, default the upstream's origin). */
  audience: string | string[];
  /** chatwarden's publicUrl (the assertion's `iss`). */
  issuer: string;
  /** Seconds of clock skew accepted on iat/exp. Default 5. */
  clockToleranceSeconds?: number;
  /** Least time between two JWKS refetches for an unknown kid. Default 30 s. */
  cooldownMs?: number;
  /** How long fetched keys are kept before a refetch. Default 5 min: below the default 10-min activation delay of `keys rotate --signing`, so a new key is known before it signs. */
  cacheMaxAgeMs?: number;
}

/** The user and call the gateway vouches for. */
export interface AssertedUser {
  subject: string;
  bot: string;
  /** The action the gateway allowed (its permissions were checked). */
  action: string;
  permissions: string[];
  sessionId: string;
  /** RFC 8176 methods: `pwd`, `sso`, `trusted`. */
  authMethods: string[];
  conversationId?: string;
  /** The assertion's `jti`: the vendor's delivery id when the scheme has one. */
  id: string;
  issuedAt: number;
  expiresAt: number;
  claims: JWTPayload;
}

export type AssertionErrorCode = 'assertion_missing' | 'assertion_invalid' | 'jwks_unavailable';

export class AssertionError extends Error {
  constructor(
    readonly code: AssertionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AssertionError';
  }
  /** 401 for a missing or bad assertion, 503 when the keys could not be fetched (retryable). */
  get status(): number {
    return this.code === 'jwks_unavailable' ? 503 : 401;
  }
}

/** A `Headers` (fetch) or a node:http / Express / Fastify headers object. */
export type HeadersLike = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function keySet(options: AssertionOptions): ReturnType<typeof createRemoteJWKSet> {
  const url = new URL(options.jwksUrl);
  const cacheKey = `${url.href} ${options.cooldownMs ?? ''} ${options.cacheMaxAgeMs ?? ''}`;
  let set = keySets.get(cacheKey);
  if (!set) {
    set = createRemoteJWKSet(url, { cooldownDuration: options.cooldownMs ?? 30_000, cacheMaxAge: options.cacheMaxAgeMs ?? 300_000 });
    keySets.set(cacheKey, set);
  }
  return set;
}

function headerOf(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  // Sent twice: ambiguous, refused.
  if (Array.isArray(value)) return value.length === 1 ? value[0] : '';
  return value;
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** Verifies the request's `Chatwarden-Assertion` and returns the user it vouches for; throws AssertionError otherwise. */
export async function verifyAssertion(headers: HeadersLike, options: AssertionOptions): Promise<AssertedUser> {
  const jwt = headerOf(headers, ASSERTION_HEADER);
  if (jwt === undefined) throw new AssertionError('assertion_missing', 'no Chatwarden-Assertion header: the call did not come through the chatwarden gateway');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(jwt, keySet(options), {
      algorithms: ALGORITHMS,
      typ: ASSERTION_TYP,
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: options.clockToleranceSeconds ?? 5,
      requiredClaims: ['sub', 'iat', 'exp', 'jti'],
    }));
  } catch (error) {
    if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || (error instanceof Error && !(error instanceof errors.JOSEError))) {
      throw new AssertionError('jwks_unavailable', 'the chatwarden JWKS could not be fetched');
    }
    throw new AssertionError('assertion_invalid', `the Chatwarden-Assertion is not valid (${(error as { code?: string }).code ?? 'error'})`);
  }
  const { sub, bot, act, perms, sid, amr, conv, jti, iat, exp } = payload as JWTPayload & Record<string, unknown>;
  const permissions = stringArray(perms);
  const authMethods = stringArray(amr);
  if (typeof bot !== 'string' || typeof act !== 'string' || typeof sid !== 'string' || !permissions || !authMethods || (conv !== undefined && typeof conv !== 'string')) {
    throw new AssertionError('assertion_invalid', 'the Chatwarden-Assertion lacks a claim');
  }
  return {
    subject: sub!,
    bot,
    action: act,
    permissions,
    sessionId: sid,
    authMethods,
    ...(conv !== undefined && { conversationId: conv as string }),
    id: jti!,
    issuedAt: iat!,
    expiresAt: exp!,
    claims: payload,
  };
}
