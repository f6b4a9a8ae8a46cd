/**
 * Verifies that a webhook call really came from the bot's chat vendor
 * (SPEC.md, `/v1/verify/signature`). Order of checks, cheapest and least
 * revealing first:
 * 1. the request has the right shape and the body is within `maxBodyBytes`;
 * 2. the client address is in `allowIps`, when configured;
 * 3. the scheme's verifier checks the raw bytes against every live secret;
 * 4. a signed timestamp is within `toleranceSeconds` of now;
 * 5. a signed event id (or, with `replay.dedupeBodyHash`, the hash of the
 *    signed material) has not been seen before: it is recorded with
 *    `SET NX` and a TTL, so every instance sharing the store agrees.
 * Replay ids are only recorded after the signature matched, so forged
 * requests cannot burn ids of real ones. Store failures propagate
 * (StoreUnavailableError): callers fail closed with 503.
 * Each record holds a value unique to this delivery (a claim), so a caller
 * whose own later step failed (`/v1/verify/webhook` answering 5xx) can
 * release exactly its claim and the vendor's retry is not `replayed`.
 */
import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomToken } from '../crypto/random.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { Store } from '../store/store.js';
import { isIpAllowed } from './ip-allow-list.js';
import type { SignedRequest, VerificationOutcome } from './signature-verifier.js';
import {
  BodyTooLargeError,
  IpNotAllowedError,
  ReplayedError,
  TimestampInvalidError,
  WebhookMisconfiguredError,
  WebhookRequestInvalidError,
} from './signature-errors.js';
import { SIGNATURE_VERIFIERS, type VerifierRegistry } from './verifier-registry.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE_SECONDS, type WebhookConfigDto } from './webhook-config.dto.js';
import type { WebhookScheme } from './webhook-scheme.js';
import { WebhookSecretSource } from './webhook-secret-source.js';

/** Injection token for the service's clock; tests freeze time through it. */
export const SIGNATURE_CLOCK = Symbol('SIGNATURE_CLOCK');
export type Clock = () => Date;

/** How long a replay id is kept when the scheme has no signed timestamp. */
const UNTIMED_REPLAY_WINDOW_SECONDS = 86400;
/** Longer ids are stored by hash to keep store keys short. */
const MAX_RAW_ID_LENGTH = 200;

/** Claim values: unique per process (random prefix) and per delivery (counter), without a random draw per call. */
const CLAIM_PREFIX = `${randomToken(6)}:`;
let claimCounter = 0;

/** A recorded replay id, as recorded by this delivery: releasing it deletes the record only while it is still this one. */
export interface ReplayClaim {
  key: string;
  value: string;
  /** When the record expires by itself (ms since the epoch): no release is needed after that. */
  expiresAt: number;
}

export interface SignatureVerification {
  valid: true;
  scheme: WebhookScheme;
  /** Id of the secret or key that matched, never its value. */
  secretId: string;
  eventId?: string;
  /** Body to send back as-is for a subscription handshake. */
  challenge?: string;
}

function assertShape(request: SignedRequest): void {
  if (typeof request !== 'object' || request === null) throw new WebhookRequestInvalidError('no request');
  if (typeof request.method !== 'string' || !/^[A-Za-z]{1,16}$/.test(request.method)) {
    throw new WebhookRequestInvalidError('method is not an HTTP method');
  }
  if (typeof request.headers !== 'object' || request.headers === null || Array.isArray(request.headers)) {
    throw new WebhookRequestInvalidError('headers is not an object');
  }
  if (!Buffer.isBuffer(request.body)) throw new WebhookRequestInvalidError('body is not bytes');
  if (request.url !== undefined && typeof request.url !== 'string') throw new WebhookRequestInvalidError('url is not text');
}

function sha256Hex(...parts: (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

@Injectable()
export class SignatureService {
  private readonly clock: Clock;

  constructor(
    @Inject(SIGNATURE_VERIFIERS) private readonly verifiers: VerifierRegistry,
    @Inject(WebhookSecretSource) private readonly secretSource: WebhookSecretSource,
    @Inject(Store) private readonly store: Store,
    @Optional() @Inject(SIGNATURE_CLOCK) clock?: Clock,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    this.clock = clock ?? (() => new Date());
  }

  /**
   * Runs the checks above; their outcome (by scheme and reason) and latency go to the metrics.
   * `onClaim` hears of the replay record this delivery made, for a caller that may have to release it.
   */
  async verify(
    botId: string,
    webhook: WebhookConfigDto,
    request: SignedRequest,
    clientIp?: string,
    onClaim?: (claim: ReplayClaim) => void,
  ): Promise<SignatureVerification> {
    const started = performance.now();
    try {
      const verification = await this.check(botId, webhook, request, clientIp, onClaim);
      this.metrics?.signatureChecked(webhook.scheme, undefined, (performance.now() - started) / 1000);
      return verification;
    } catch (error) {
      this.metrics?.signatureChecked(webhook?.scheme, error, (performance.now() - started) / 1000);
      throw error;
    }
  }

  /** Deletes the replay record of `claim` if it is still this claim's; true when it did. Store failures propagate. */
  release(claim: ReplayClaim): Promise<boolean> {
    return this.store.deleteIfEquals(claim.key, claim.value);
  }

  private async check(
    botId: string,
    webhook: WebhookConfigDto,
    request: SignedRequest,
    clientIp?: string,
    onClaim?: (claim: ReplayClaim) => void,
  ): Promise<SignatureVerification> {
    assertShape(request);
    const maxBodyBytes = webhook.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (request.body.length > maxBodyBytes) throw new BodyTooLargeError(`body exceeds ${maxBodyBytes} bytes`);
    if (webhook.allowIps && webhook.allowIps.length > 0 && !isIpAllowed(clientIp, webhook.allowIps)) {
      throw new IpNotAllowedError('client address is not in allowIps');
    }

    const verifier = this.verifiers.get(webhook.scheme);
    if (!verifier) throw new WebhookMisconfiguredError(`no verifier for scheme ${String(webhook.scheme)}`);
    const now = this.clock();
    const secrets = await this.secretSource.secretsFor(botId);
    const outcome = await verifier.verify(request, { secrets, options: webhook, now });

    this.checkTimestamp(outcome, webhook, now);
    const replay = this.replayRecord(botId, outcome, webhook, request);
    if (replay) {
      const value = CLAIM_PREFIX + (claimCounter++).toString(36);
      if (!(await this.store.setIfAbsent(replay.key, value, replay.ttlSeconds))) {
        throw new ReplayedError(outcome.eventId !== undefined ? 'event id already seen' : 'identical body already seen');
      }
      onClaim?.({ key: replay.key, value, expiresAt: Date.now() + replay.ttlSeconds * 1000 });
    }

    const result: SignatureVerification = { valid: true, scheme: webhook.scheme, secretId: outcome.secretId };
    if (outcome.eventId !== undefined) result.eventId = outcome.eventId;
    if (outcome.challenge !== undefined) result.challenge = outcome.challenge;
    return result;
  }

  private checkTimestamp(outcome: VerificationOutcome, webhook: WebhookConfigDto, now: Date): void {
    if (outcome.timestamp === undefined) return;
    const tolerance = webhook.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    const skew = Math.abs(Math.floor(now.getTime() / 1000) - outcome.timestamp);
    if (skew > tolerance) throw new TimestampInvalidError(`timestamp is ${skew}s away from now (tolerance ${tolerance}s)`);
  }

  /** The store key that records this delivery and for how long, or undefined when it has no replay id. */
  private replayRecord(
    botId: string,
    outcome: VerificationOutcome,
    webhook: WebhookConfigDto,
    request: SignedRequest,
  ): { key: string; ttlSeconds: number } | undefined {
    const replay = webhook.replay ?? {};
    if (replay.enabled === false) return undefined;
    let key: string;
    if (outcome.eventId !== undefined) {
      const id = outcome.eventId.length > MAX_RAW_ID_LENGTH ? sha256Hex(outcome.eventId) : outcome.eventId;
      key = `replay:${botId}:id:${id}`;
    } else if (replay.dedupeBodyHash && outcome.challenge === undefined) {
      // Hash what was signed: the same body at another signed time is a new delivery.
      key = `replay:${botId}:body:${sha256Hex(String(outcome.timestamp ?? ''), '\n', request.body)}`;
    } else {
      return undefined;
    }
    const tolerance = webhook.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    // A timestamped delivery is accepted from `tolerance` before to `tolerance`
    // after its timestamp, both ends included: remember its id that long.
    const ttlSeconds = replay.windowSeconds ?? (outcome.timestamp !== undefined ? 2 * tolerance + 1 : UNTIMED_REPLAY_WINDOW_SECONDS);
    return { key, ttlSeconds };
  }
}
