/**
 * The HTTP-facing side of signature verification, shared by
 * `/v1/verify/signature` and `/v1/verify/webhook`: finds the bot's webhook
 * settings, rebuilds the received request from what the handler forwarded,
 * works out the vendor's address when the bot has an `allowIps` list, and
 * runs SignatureService. Refusals on `/v1/verify/signature` are audit lines
 * (`signature.verify`) with the operator-only detail of which check failed;
 * `/v1/verify/webhook` writes its own line for the whole decision.
 */
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { appError } from '../common/error-catalog.js';
import { trustProxyFunction } from '../common/trust-proxy.js';
import { AppConfig } from '../config/app-config.js';
import { AuditLog } from '../observability/audit-log.js';
import { SignatureService, type ReplayClaim, type SignatureVerification } from './signature.service.js';
import { SignatureError } from './signature-errors.js';
import type { SignedRequest } from './signature-verifier.js';
import { toSignedRequest, type SignatureInput } from './signature-input.js';
import { vendorAddress } from './vendor-address.js';
import type { WebhookConfigDto } from './webhook-config.dto.js';
import { WebhookConfigsService } from './webhook-configs.service.js';

export interface SignatureCheck {
  verification: SignatureVerification;
  /** The request as verified: its body is the exact bytes the signature covers. */
  request: SignedRequest;
  webhook: WebhookConfigDto;
  /** The replay record this delivery made, if any (see SignatureService.release). */
  claim?: ReplayClaim;
}

/** Fields of an audit line that describe a failure: its code, and which check failed when the error says. */
export function failureFields(error: unknown): { outcome: string; detail?: string } {
  const outcome = error instanceof AppError ? error.code : 'internal_error';
  return error instanceof SignatureError ? { outcome, detail: error.reason } : { outcome };
}

@Injectable()
export class SignatureCheckService {
  private readonly trusted: (address: string, hop: number) => boolean;

  constructor(
    private readonly configs: WebhookConfigsService,
    private readonly signatures: SignatureService,
    private readonly audit: AuditLog,
    config: AppConfig,
  ) {
    this.trusted = trustProxyFunction(config.trustProxy);
  }

  /** Verifies the forwarded request; throws the typed error of the first failed check. */
  async check(input: SignatureInput): Promise<SignatureCheck> {
    const { webhook, request, clientIp } = this.prepare(input);
    let claim: ReplayClaim | undefined;
    const verification = await this.signatures.verify(input.bot, webhook, request, clientIp, (made) => (claim = made));
    return { verification, request, webhook, claim };
  }

  /** Releases a replay record this delivery made (SignatureService.release). */
  release(claim: ReplayClaim): Promise<boolean> {
    return this.signatures.release(claim);
  }

  /**
   * `/v1/verify/signature`: the verification, with refusals written to the
   * audit trail under `requestId` (the route runs outside the request context,
   * see common/hot-paths.ts).
   */
  async verify(input: SignatureInput, requestId: string): Promise<SignatureVerification> {
    try {
      return (await this.check(input)).verification;
    } catch (error) {
      this.audit.record('signature.verify', { requestId, bot: input.bot, ...failureFields(error) });
      throw error;
    }
  }

  /** The bot's settings, the request as the verifiers see it, and the vendor's address when `allowIps` needs it. */
  private prepare(input: SignatureInput): { webhook: WebhookConfigDto; request: SignedRequest; clientIp?: string } {
    const webhook = this.configs.forBot(input.bot);
    const request = toSignedRequest(input);
    if (!webhook.allowIps || webhook.allowIps.length === 0) return { webhook, request };
    if (input.clientIp === undefined) throw appError('client_ip_required');
    return { webhook, request, clientIp: vendorAddress(input.clientIp, request.headers, this.trusted) };
  }
}
