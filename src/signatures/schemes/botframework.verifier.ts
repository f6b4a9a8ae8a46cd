/**
 * Azure Bot Service / Bot Framework (learn.microsoft.com,
 * "Authentication with the Bot Connector API", "Connector to bot"): every
 * call carries `Authorization: Bearer <JWT>` and the bot must check that
 * 1. the token is signed (RS256/RS384/RS512) by a key listed at the
 *    `jwks_uri` of the OpenID metadata document (`metadataUrl`);
 * 2. `iss` is https://api.botframework.com and `aud` is the bot's App ID;
 * 3. it is within its validity period, allowing 5 minutes of clock skew;
 * 4. its `serviceurl` claim equals the `serviceUrl` of the activity in the body.
 * The metadata is cached for a day; the key set is cached and, when a token
 * names an unknown `kid`, refetched at most once per cool-down (jose's
 * remote key set). The channel `endorsements` check is not applied.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { requireHeader } from '../signed-request.js';
import {
  SignatureInvalidError,
  SignatureKeysUnavailableError,
  TimestampInvalidError,
  WebhookMisconfiguredError,
  WebhookRequestInvalidError,
} from '../signature-errors.js';
import { isTrustedKeyUrl } from '../webhook-config.dto.js';

export const BOTFRAMEWORK_ISSUER = 'https://api.botframework.com';
const ALGORITHMS = ['RS256', 'RS384', 'RS512'];
const CLOCK_SKEW_SECONDS = 5 * 60;
const MAX_METADATA_BYTES = 256 * 1024;

export interface BotframeworkVerifierSettings {
  /** How long a fetched metadata document is used before it is fetched again. */
  metadataMaxAgeMs: number;
  /** How long a key set is used before it is fetched again. */
  keysMaxAgeMs: number;
  /** Least time between two key set fetches caused by unknown `kid`s. */
  keysCooldownMs: number;
  /** Timeout of each HTTP fetch. */
  timeoutMs: number;
}

const DEFAULT_SETTINGS: BotframeworkVerifierSettings = {
  metadataMaxAgeMs: 24 * 3600 * 1000,
  keysMaxAgeMs: 24 * 3600 * 1000,
  keysCooldownMs: 60 * 1000,
  timeoutMs: 5000,
};

type KeySet = ReturnType<typeof createRemoteJWKSet>;

interface MetadataEntry {
  jwksUri?: string;
  fetchedAt: number;
  pending?: Promise<string>;
}

/** jose errors that mean "could not get the keys", as opposed to "the token is bad". */
const KEY_FETCH_CODES = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

function bearerToken(value: string): string {
  const match = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i.exec(value);
  if (!match?.[1]) throw new SignatureInvalidError('authorization is not a Bearer JWT');
  return match[1];
}

function serviceUrlOf(body: Buffer): unknown {
  try {
    const activity: unknown = JSON.parse(body.toString('utf8'));
    return typeof activity === 'object' && activity !== null ? (activity as { serviceUrl?: unknown }).serviceUrl : undefined;
  } catch {
    throw new WebhookRequestInvalidError('the activity body is not JSON');
  }
}

export class BotframeworkVerifier extends SignatureVerifier {
  readonly scheme = 'botframework' as const;
  private readonly settings: BotframeworkVerifierSettings;
  private readonly metadata = new Map<string, MetadataEntry>();
  private readonly keySets = new Map<string, KeySet>();

  constructor(settings: Partial<BotframeworkVerifierSettings> = {}) {
    super();
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
  }

  async verify(request: SignedRequest, context: VerifierContext): Promise<VerificationOutcome> {
    const { appId, metadataUrl } = context.options;
    if (!appId || !metadataUrl) throw new WebhookMisconfiguredError('botframework needs appId and metadataUrl');
    const token = bearerToken(requireHeader(request, 'authorization'));
    const keySet = this.keySet(await this.jwksUri(metadataUrl));

    let payload: JWTPayload;
    let kid: string | undefined;
    try {
      const verified = await jwtVerify(token, keySet, {
        issuer: BOTFRAMEWORK_ISSUER,
        audience: appId,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: context.now,
        requiredClaims: ['exp'],
      });
      payload = verified.payload;
      kid = verified.protectedHeader.kid;
    } catch (error) {
      throw this.translate(error);
    }

    const claimed = payload.serviceurl ?? payload.serviceUrl;
    if (typeof claimed !== 'string') throw new SignatureInvalidError('token has no serviceurl claim');
    if (serviceUrlOf(request.body) !== claimed) throw new SignatureInvalidError('serviceurl claim does not match the activity');
    return { secretId: `jwks:${kid ?? 'unnamed'}` };
  }

  private translate(error: unknown): Error {
    if (error instanceof errors.JWTExpired) return new TimestampInvalidError('token expired');
    if (error instanceof errors.JWTClaimValidationFailed && (error.claim === 'nbf' || error.claim === 'iat')) {
      return new TimestampInvalidError(`token ${error.claim} is in the future`);
    }
    if (!(error instanceof errors.JOSEError) || KEY_FETCH_CODES.has(error.code)) {
      return new SignatureKeysUnavailableError('the botframework key set could not be fetched');
    }
    return new SignatureInvalidError(`token rejected (${error.code})`);
  }

  private keySet(jwksUri: string): KeySet {
    let keySet = this.keySets.get(jwksUri);
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(jwksUri), {
        cacheMaxAge: this.settings.keysMaxAgeMs,
        cooldownDuration: this.settings.keysCooldownMs,
        timeoutDuration: this.settings.timeoutMs,
      });
      this.keySets.set(jwksUri, keySet);
    }
    return keySet;
  }

  /** The metadata's `jwks_uri`, cached; a stale value is kept when a refresh fails. */
  private async jwksUri(metadataUrl: string): Promise<string> {
    const entry = this.metadata.get(metadataUrl) ?? { fetchedAt: 0 };
    this.metadata.set(metadataUrl, entry);
    const fresh = entry.jwksUri !== undefined && Date.now() - entry.fetchedAt < this.settings.metadataMaxAgeMs;
    if (fresh) return entry.jwksUri as string;
    entry.pending ??= this.fetchJwksUri(metadataUrl).finally(() => {
      entry.pending = undefined;
    });
    try {
      const jwksUri = await entry.pending;
      entry.jwksUri = jwksUri;
      entry.fetchedAt = Date.now();
      return jwksUri;
    } catch (error) {
      if (entry.jwksUri === undefined) throw error;
      // Keep serving the last good value and try again after a cool-down,
      // rather than adding a failing fetch to every request.
      entry.fetchedAt = Date.now() - this.settings.metadataMaxAgeMs + this.settings.keysCooldownMs;
      return entry.jwksUri;
    }
  }

  private async fetchJwksUri(metadataUrl: string): Promise<string> {
    if (!isTrustedKeyUrl(metadataUrl)) throw new WebhookMisconfiguredError('metadataUrl must be https');
    let document: unknown;
    try {
      const response = await fetch(metadataUrl, {
        headers: { accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      const bytes = Buffer.from(await response.arrayBuffer());
      if (bytes.length > MAX_METADATA_BYTES) throw new Error('metadata document too large');
      document = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new SignatureKeysUnavailableError('the botframework OpenID metadata could not be fetched');
    }
    const jwksUri = typeof document === 'object' && document !== null ? (document as { jwks_uri?: unknown }).jwks_uri : undefined;
    if (typeof jwksUri !== 'string' || !isTrustedKeyUrl(jwksUri)) {
      throw new SignatureKeysUnavailableError('the botframework OpenID metadata has no usable jwks_uri');
    }
    return jwksUri;
  }
}
