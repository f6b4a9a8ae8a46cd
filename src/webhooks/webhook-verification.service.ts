/**
 * `POST /v1/verify/webhook`: everything a webhook handler must know before it
 * runs an action for a logged-in user, in one call and one audit line
 * (`webhook.verify`). The order is fixed (SPEC.md):
 * 1. the vendor's signature over the exact received bytes — nothing in the
 *    body is read before it matched;
 * 2. the user token found in the body at `tokenField`;
 * 3. that token for this bot, conversation and the permissions of `action`.
 * A vendor handshake (a challenge to echo) stops after step 1: it carries no
 * user. Any refusal keeps the status of the failed step (400/401/403/413/
 * 5xx) and says which step failed; with `reply` it also carries
 * `vendorReply`, the body to send back so the chat shows the message.
 */
import { Inject, Injectable } from '@nestjs/common';
import { AppError, type ErrorDetails } from '../common/app-error.js';
import type { ErrorCode } from '../common/error-catalog.js';
import { AuditLog } from '../observability/audit-log.js';
import { failureFields, SignatureCheckService } from '../signatures/signature-check.service.js';
import type { SignatureVerification } from '../signatures/signature.service.js';
import type { SignedRequest } from '../signatures/signature-verifier.js';
import { WebhookConfigsService } from '../signatures/webhook-configs.service.js';
import { TokenService, type VerifiedToken } from '../tokens/token.service.js';
import type { VerifyWebhookDto } from './dto/verify-webhook.dto.js';
import { DEFAULT_TOKEN_FIELD, extractToken, WebhookBodyError } from './token-extractor.js';
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
    @Inject(VENDOR_REPLIES) private readonly replies: VendorReplyRegistry,
  ) {}

  async verify(input: VerifyWebhookDto): Promise<WebhookVerification> {
    const fields: Record<string, unknown> = { bot: input.bot };
    if (input.action !== undefined) fields.action = input.action;
    let stage: WebhookStage = 'signature';
    let signature: SignatureVerification | undefined;
    try {
      fields.scheme = this.configs.forBot(input.bot).scheme;
      const check = await this.signatures.check(input);
      signature = check.verification;
      fields.secretId = signature.secretId;
      if (signature.eventId !== undefined) fields.eventId = signature.eventId;
      if (signature.challenge !== undefined) {
        this.audit.record('webhook.verify', { ...fields, stage, outcome: 'ok', handshake: true });
        return { valid: true, signature, token: null, challenge: signature.challenge };
      }

      stage = 'token';
      const tokenField = input.tokenField ?? check.webhook.tokenField ?? DEFAULT_TOKEN_FIELD;
      const token = extractToken(check.request.body, contentTypeOf(check.request), tokenField);
      const verified = await this.tokens.verify(token, {
        bot: input.bot,
        action: input.action,
        permissions: input.permissions,
        conversationId: input.conversationId,
      });
      this.audit.record('webhook.verify', { ...fields, stage, outcome: 'ok', subject: verified.subject, sessionId: verified.sessionId });
      return { valid: true, signature, token: withoutKid(verified) };
    } catch (error) {
      this.audit.record('webhook.verify', { ...fields, stage, ...failureFields(error) });
      const failure = failureOf(error);
      if (!failure) throw error;
      throw new WebhookRefusedError(failure, this.refusal(input, stage, failure, signature));
    }
  }

  private refusal(input: VerifyWebhookDto, stage: WebhookStage, failure: Failure, signature?: SignatureVerification): Record<string, unknown> {
    const verdict = { valid: false, error: failure.code, message: failure.message };
    const details: Record<string, unknown> = {
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
