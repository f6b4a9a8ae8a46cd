/**
 * `POST /v1/verify/webhook`: everything a webhook handler must know before it
 * runs an action for a logged-in user, in one call and one audit line
 * (`webhook.verify`). The order is fixed (SPEC.md):
 * 1. the vendor's signature over the exact received bytes — nothing in the
 *    body is read before it matched;
 * 2. the user token found in the body at `tokenField`;
 * 3. that token for this bot, conversation and the permissions of `action`.
 * Before step 1, the bot: the one named, which the API key must allow, or
 * the key's only bot (SPEC.md "API clients bound to bots").
 * A vendor handshake (a challenge to echo) stops after step 1: it carries no
 * user. Any refusal keeps the status of the failed step (400/401/403/413/
 * 5xx) and says which step failed; with `reply` it also carries
 * `vendorReply`, the body to send back so the chat shows the message.
 *
 * Step 1 records the vendor's delivery id (replay protection). A refusal of
 * the delivery itself (bad body, token refused) keeps it: the same bytes
 * would be refused again. A 5xx — chatwarden could not decide, e.g. the
 * store went away during the token check — releases it, so the vendor's
 * retry is checked anew rather than refused as `replayed`.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { BotAccess } from '../clients/bot-access.js';
import { AppError, type ErrorDetails } from '../common/app-error.js';
import { appError, type ErrorCode } from '../common/error-catalog.js';
import { AuditLog } from '../observability/audit-log.js';
import { failureFields, SignatureCheckService } from '../signatures/signature-check.service.js';
import type { ReplayClaim, SignatureVerification } from '../signatures/signature.service.js';
import type { SignedRequest } from '../signatures/signature-verifier.js';
import { WebhookConfigsService } from '../signatures/webhook-configs.service.js';
import { TokenService, type VerifiedToken } from '../tokens/token.service.js';
import type { VerifyWebhookDto } from './dto/verify-webhook.dto.js';
import { ReplayReleaseService } from './replay-release.service.js';
import { DEFAULT_TOKEN_FIELD, readWebhookFields, WebhookBodyError } from './token-extractor.js';
import { buildVendorReply, VENDOR_REPLIES, type VendorReplyRegistry } from './vendor-replies/vendor-reply-registry.js';

export type WebhookStage = 'signature' | 'token';

export type WebhookToken = Omit<VerifiedToken, 'kid'>;

export interface WebhookVerification {
  valid: true;
  signature: SignatureVerification;
  /** null for a handshake, which carries no user token. */
  token: WebhookToken | null;
  challenge?: string;
}

interface Failure {
  code: ErrorCode;
  message: string;
  status: number;
  /** Extra fields of the error body (`detail`). */
  details: ErrorDetails;
}

/** A refused webhook: the failed step's code, message and status, plus what each step concluded. */
export class WebhookRefusedError extends AppError {
  constructor(failure: Failure, details: Record<string, unknown>) {
    super(failure.code, failure.message, failure.status, { ...(failure.details.detail !== undefined && { detail: failure.details.detail }), ...details });
    this.name = 'WebhookRefusedError';
  }
}

/** The code, user-safe message and status of an expected failure; anything else is a bug and stays a 500. */
function failureOf(error: unknown): Failure | undefined {
  if (error instanceof AppError) return { code: error.code, message: error.message, status: error.status, details: error.details };
  return undefined;
}

/** The single Content-Type the vendor sent; two different ones leave the body unreadable. */
function contentTypeOf(request: SignedRequest): string | undefined {
  const values = Object.entries(request.headers)
    .filter(([name]) => name.toLowerCase() === 'content-type')
    .flatMap(([, value]) => (Array.isArray(value) ? value : value === undefined ? [] : [value]));
  if (values.length > 1) throw new WebhookBodyError('content-type appears more than once');
  return values[0];
}

/**
 * The conversation the webhook runs in: the one in the vendor's signed body
 * (`conversationField`) or the one the caller names. Two different ones
 * cannot both be right: `conversation_mismatch`.
 */
function conversationOf(fromBody: string | undefined, fromCaller: string | undefined): string | undefined {
  if (fromBody !== undefined && fromCaller !== undefined && fromBody !== fromCaller) throw appError('conversation_mismatch');
  return fromBody ?? fromCaller;
}

function withoutKid({ kid: _kid, ...token }: VerifiedToken): WebhookToken {
  return token;
}

@Injectable()
export class WebhookVerificationService {
  constructor(
    private readonly configs: WebhookConfigsService,
    private readonly signatures: SignatureCheckService,
    private readonly tokens: TokenService,
    private readonly audit: AuditLog,
    private readonly releases: ReplayReleaseService,
    @Inject(VENDOR_REPLIES) private readonly replies: VendorReplyRegistry,
  ) {}

  /**
   * `access`: the bots the calling API key may act for. `caller` is the
   * webhook gateway: it runs outside the request context (a hot path, see
   * common/hot-paths.ts), so it names the request id for the audit line, and
   * it learns the replay record an allowed delivery made, to give it back
   * when the call could not be carried out after all (upstream down).
   */
  async verify(input: VerifyWebhookDto, access: BotAccess, caller?: { requestId: string; onClaim(claim: ReplayClaim): void }): Promise<WebhookVerification> {
    const fields: Record<string, unknown> = { ...(caller && { requestId: caller.requestId }), bot: input.bot ?? access.implied };
    if (input.action !== undefined) fields.action = input.action;
    let stage: WebhookStage = 'signature';
    let signature: SignatureVerification | undefined;
    let claim: ReplayClaim | undefined;
    try {
      const bot = access.require(input.bot);
      fields.scheme = this.configs.forBot(bot).scheme;
      const check = await this.signatures.check(input.bot === bot ? (input as VerifyWebhookDto & { bot: string }) : { ...input, bot });
      claim = check.claim;
      signature = check.verification;
      fields.secretId = signature.secretId;
      if (signature.eventId !== undefined) fields.eventId = signature.eventId;
      if (signature.challenge !== undefined) {
        this.audit.record('webhook.verify', { ...fields, stage, outcome: 'ok', handshake: true });
        return { valid: true, signature, token: null, challenge: signature.challenge };
      }

      stage = 'token';
      const tokenField = input.tokenField ?? check.webhook.tokenField ?? DEFAULT_TOKEN_FIELD;
      const found = readWebhookFields(check.request.body, contentTypeOf(check.request), tokenField, check.webhook.conversationField);
      const verified = await this.tokens.verify(found.token, {
        bot,
        action: input.action,
        permissions: input.permissions,
        conversationId: conversationOf(found.conversationId, input.conversationId),
      });
      this.audit.record('webhook.verify', { ...fields, stage, outcome: 'ok', subject: verified.subject, sessionId: verified.sessionId });
      if (claim && caller) caller.onClaim(claim);
      return { valid: true, signature, token: withoutKid(verified) };
    } catch (error) {
      const failure = failureOf(error);
      // Not a judgement of the delivery (5xx, or a bug): give its id back for the vendor's retry.
      if (claim && (!failure || failure.status >= 500)) fields.replayRelease = await this.releases.release(claim);
      this.audit.record('webhook.verify', { ...fields, stage, ...failureFields(error) });
      if (!failure) throw error;
      throw new WebhookRefusedError(failure, this.refusal(input, stage, failure, signature));
    }
  }

  private refusal(input: VerifyWebhookDto, stage: WebhookStage, failure: Failure, signature?: SignatureVerification): Record<string, unknown> {
    const verdict = { valid: false, error: failure.code, message: failure.message };
    const details: Record<string, unknown> = {
      ...failure.details,
      stage,
      signature: stage === 'signature' ? verdict : signature,
      token: stage === 'token' ? verdict : null,
    };
    if (input.reply !== undefined) {
      const reply = buildVendorReply(
        input.reply,
        { outcome: 'failure', message: failure.message, attributes: { chatwarden_error: failure.code } },
        this.replies,
      );
      if (reply) details.vendorReply = reply.body;
    }
    return details;
  }
}
