/**
 * The webhook gateway (SPEC.md "Webhook gateway"): `POST|GET /hooks/:bot`
 * and `/hooks/:bot/:action`. The vendor calls chatwarden; chatwarden takes
 * `/v1/verify/webhook`'s decision (WebhookVerificationService — the same
 * code, not a copy) over the exact received bytes and forwards only allowed
 * calls to the bot's configured upstream with a signed `Chatwarden-Assertion`.
 * No API key: the vendor's signature is the authentication.
 *
 * Mounted on Fastify directly, in an encapsulated scope whose only body
 * parser keeps the raw bytes as a Buffer (any content type, bounded), so
 * the signature is checked over what the vendor sent and the upstream gets
 * those same bytes. Each call writes one `gateway.forward` audit line with
 * its outcome, beside the decision's `webhook.verify` line.
 */
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BotAccess } from '../clients/bot-access.js';
import { AppError } from '../common/app-error.js';
import { appError, unknownName, type ErrorCode } from '../common/error-catalog.js';
import { errorHeaders } from '../common/error.filter.js';
import { GATEWAY_PATHS } from '../common/hot-paths.js';
import { AppConfig } from '../config/app-config.js';
import type { BotConfig } from '../config/config.schema.js';
import { JwtSigner } from '../keys/jwt-signer.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AuditLog } from '../observability/audit-log.js';
import { tokenHeaderOf, type WebhookConfigDto } from '../signatures/webhook-config.dto.js';
import { WebhookConfigsService } from '../signatures/webhook-configs.service.js';
import { extractToken } from '../webhooks/token-extractor.js';
import { buildVendorReply } from '../webhooks/vendor-replies/vendor-reply-registry.js';
import { ReplayReleaseService } from '../webhooks/replay-release.service.js';
import { WebhookRefusedError, WebhookVerificationService } from '../webhooks/webhook-verification.service.js';
import type { ReplayClaim } from '../signatures/signature.service.js';
import { signAssertion } from './assertion.js';
import { forwardHeaders } from './forward-headers.js';
import { DEFAULT_GATEWAY_TIMEOUT_SECONDS, type GatewayConfig } from './gateway-config.js';
import { UpstreamClient, UpstreamFailure, type UpstreamAnswer } from './upstream-client.js';

/** Default vendor body limit (as `webhook.maxBodyBytes`); the largest a bot configures raises it. */
const DEFAULT_BODY_LIMIT = 1024 * 1024;
/**
 * Upstream failures after which the vendor's retry is let through again:
 * the call was not carried out, or may not have been (a timeout; the
 * assertion's jti — the delivery id — lets the handler drop a duplicate).
 * A redirect or an oversized answer would come back the same.
 */
const RETRYABLE = new Set(['timeout', 'unreachable', 'status_5xx']);
/** An action is a name, never a path: no `/`, no `%2F` (decoded before this), no `..`. */
const ACTION = /^(?!\.{1,2}$)[\w.:@-]{1,128}$/;

interface HookParams {
  bot: string;
  action?: string;
}

interface Target {
  bot: string;
  config: BotConfig;
  gateway: GatewayConfig;
}

/** The answer chatwarden gives the vendor itself. */
interface OwnAnswer {
  status: number;
  body: unknown;
}

function ownBot(bots: Record<string, BotConfig>, bot: string): BotConfig | undefined {
  return Object.hasOwn(bots, bot) ? bots[bot] : undefined;
}

function incomingHeaders(request: FastifyRequest): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = value;
  return headers;
}

/** Headers that carry the vendor's shared credential (a token header, ChatBot.com's custom headers): they stay here. */
function credentialHeadersOf(webhook: WebhookConfigDto): string[] {
  const token = tokenHeaderOf(webhook);
  return [...(token === undefined ? [] : [token]), ...Object.keys(webhook.headers ?? {})];
}

@Injectable()
export class GatewayRoute implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('GatewayRoute');
  private readonly upstreams = new UpstreamClient();
  private readonly publicUrl: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
    private readonly webhooks: WebhookVerificationService,
    private readonly configs: WebhookConfigsService,
    private readonly signer: JwtSigner,
    private readonly audit: AuditLog,
    private readonly metrics: MetricsService,
    private readonly releases: ReplayReleaseService,
  ) {
    this.publicUrl = config.publicUrl.replace(/\/+$/, '');
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify?.register) return;
    const bodyLimit = Math.max(
      DEFAULT_BODY_LIMIT,
      ...Object.values(this.config.bots).map((bot) => (bot.gateway ? Number(bot.webhook?.maxBodyBytes ?? 0) || 0 : 0)),
    );
    void fastify.register(async (scope) => {
      // Only here: the exact bytes, whatever the vendor's content type (the JSON parser would re-serialize).
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
      for (const url of GATEWAY_PATHS) {
        scope.route({
          method: ['POST', 'GET'],
          url,
          bodyLimit,
          handler: (request, reply) => this.handle(request as FastifyRequest<{ Params: HookParams }>, reply),
          errorHandler: (error, request, reply) => this.parserError(error, request as FastifyRequest<{ Params: HookParams }>, reply),
        });
      }
    });
  }

  onModuleDestroy(): Promise<void> {
    return this.upstreams.close();
  }

  private async handle(request: FastifyRequest<{ Params: HookParams }>, reply: FastifyReply): Promise<FastifyReply> {
    const requestId = String(request.id);
    const fields: Record<string, unknown> = { requestId, bot: request.params.bot };
    // The replay record of an allowed delivery: given back when it could not be carried out (see release).
    let claim: ReplayClaim | undefined;
    try {
      const target = this.target(request.params.bot);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const headers = incomingHeaders(request);
      const action = this.action(target, request.params.action, body, headers['content-type']);
      if (action !== undefined) fields.action = action;
      const webhook = this.configs.forBot(target.bot);
      const decision = await this.webhooks.verify(
        {
          bot: target.bot,
          action,
          method: request.method,
          url: `${this.publicUrl}${request.url}`,
          headers,
          bodyBase64: body.toString('base64'),
          clientIp: request.socket.remoteAddress,
          ...(webhook.reply !== undefined && { reply: webhook.reply }),
        },
        BotAccess.ALL,
        { requestId, onClaim: (made) => (claim = made) },
      );
      if (decision.challenge !== undefined) {
        this.audit.record('gateway.forward', { ...fields, outcome: 'handshake' });
        return reply.code(200).header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store').send(decision.challenge);
      }
      const token = decision.token;
      if (!token || action === undefined) throw appError('unknown_action', { detail: 'the call names no action' });
      const assertion = await this.release(claim, fields, () =>
        signAssertion(this.signer, {
          issuer: this.config.publicUrl,
          audience: target.gateway.audience ?? new URL(target.gateway.upstream).origin,
          action,
          token,
          eventId: decision.signature.eventId,
        }),
      );
      fields.subject = token.subject;
      return await this.forward(target, action, body, headers, assertion, requestId, webhook.reply, reply, fields, claim);
    } catch (error) {
      const answer = this.refusal(error, request.params.bot, requestId);
      const code = error instanceof AppError ? error.code : 'internal_error';
      this.metrics.gatewayRefused(code);
      this.audit.record('gateway.forward', { ...fields, outcome: code });
      if (!(error instanceof AppError)) this.logger.error(error instanceof Error ? error.stack : String(error));
      return reply.code(answer.status).headers(errorHeaders(request)).send(answer.body);
    }
  }

  private async forward(
    target: Target,
    action: string,
    body: Buffer,
    headers: Record<string, string | string[]>,
    assertion: string,
    requestId: string,
    vendor: string | undefined,
    reply: FastifyReply,
    fields: Record<string, unknown>,
    claim: ReplayClaim | undefined,
  ): Promise<FastifyReply> {
    const base = new URL(target.gateway.upstream);
    const url = new URL(`${base.pathname.replace(/\/+$/, '')}/${encodeURIComponent(action)}`, base.origin);
    const webhook = this.configs.forBot(target.bot);
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let answer: UpstreamAnswer;
    try {
      answer = await this.upstreams.call({
        url,
        headers: forwardHeaders(headers, { requestId, assertion, credentialHeaders: credentialHeadersOf(webhook) }),
        body,
        timeoutMs: (target.gateway.timeoutSeconds ?? DEFAULT_GATEWAY_TIMEOUT_SECONDS) * 1000,
      });
    } catch (error) {
      if (!(error instanceof UpstreamFailure)) throw error;
      this.metrics.gatewayUpstreamFailure(error.kind, seconds());
      // Not carried out (or not known to be): the vendor's retry must be judged anew, not refused as replayed.
      if (claim && RETRYABLE.has(error.kind)) fields.replayRelease = await this.releases.release(claim);
      this.audit.record('gateway.forward', { ...fields, outcome: 'upstream_failure', kind: error.kind, reason: error.reason });
      const code: ErrorCode = error.kind === 'timeout' ? 'upstream_timeout' : 'upstream_unavailable';
      const own = this.ownAnswer(appError(code, { detail: `upstream ${error.kind}` }), vendor, requestId);
      return reply.code(own.status).header('cache-control', 'no-store').header('x-request-id', requestId).send(own.body);
    }
    this.metrics.gatewayForwarded(seconds());
    this.audit.record('gateway.forward', { ...fields, outcome: 'forwarded', status: answer.status });
    reply.code(answer.status);
    if (answer.contentType !== undefined) reply.header('content-type', answer.contentType);
    else reply.removeHeader('content-type');
    return reply.send(answer.body);
  }

  /** Runs `step`; if it fails, gives the delivery's replay record back first (the failure is ours, not the delivery's). */
  private async release<T>(claim: ReplayClaim | undefined, fields: Record<string, unknown>, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (claim) fields.replayRelease = await this.releases.release(claim);
      throw error;
    }
  }

  /** The bot named in the path, looked up as an own key, with its gateway block. */
  private target(bot: string): Target {
    const config = ownBot(this.config.bots, bot);
    if (!config) throw unknownName('unknown_bot', bot);
    if (!config.gateway) throw appError('gateway_not_configured', { detail: `bot ${bot} has no gateway block` });
    return { bot, config, gateway: config.gateway };
  }

  /**
   * The action: the one in the path, else the one at `actionField` in the body
   * (read leniently here: the decision checks the signature before it trusts
   * anything in the body). A name with path characters or outside the bot's
   * `actions` is refused before the decision.
   */
  private action(target: Target, fromPath: string | undefined, body: Buffer, contentType: string | string[] | undefined): string | undefined {
    let action = fromPath;
    if (action === undefined && target.gateway.actionField !== undefined && body.length > 0 && typeof contentType === 'string') {
      try {
        action = extractToken(body, contentType, target.gateway.actionField);
      } catch {
        action = undefined;
      }
    }
    if (action === undefined) return undefined;
    if (!ACTION.test(action)) throw appError('unknown_action', { detail: 'an action is a name: letters, digits and . _ : @ - only' });
    if (!Object.hasOwn(target.config.actions ?? {}, action)) throw unknownName('unknown_action', action);
    return action;
  }

  /** A refusal as the vendor expects it: its native reply when the bot names one, else the JSON error. */
  private refusal(error: unknown, bot: string, requestId: string): OwnAnswer {
    const vendor = ownBot(this.config.bots, bot) ? this.replyVendor(bot) : undefined;
    if (error instanceof WebhookRefusedError && typeof error.details.vendorReply === 'object' && error.details.vendorReply !== null) {
      return { status: 200, body: error.details.vendorReply };
    }
    return this.ownAnswer(error instanceof AppError ? error : appError('internal_error'), vendor, requestId);
  }

  private ownAnswer(error: AppError, vendor: string | undefined, requestId: string | undefined): OwnAnswer {
    if (vendor !== undefined) {
      const native = buildVendorReply(vendor, { outcome: 'failure', message: error.message, attributes: { chatwarden_error: error.code } });
      if (native) return { status: native.status, body: native.body };
    }
    return {
      status: error.status,
      body: {
        error: error.code,
        message: error.message,
        ...(typeof error.details.detail === 'string' && { detail: error.details.detail }),
        ...(requestId !== undefined && { requestId }),
      },
    };
  }

  private replyVendor(bot: string): string | undefined {
    try {
      return this.configs.forBot(bot).reply;
    } catch {
      return undefined;
    }
  }

  /** A body Fastify could not take (over the limit, cut off): refused like any other call, before the decision. */
  private parserError(error: Error & { statusCode?: number; code?: string }, request: FastifyRequest<{ Params: HookParams }>, reply: FastifyReply): FastifyReply {
    const code: ErrorCode = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'payload_too_large' : error.statusCode !== undefined && error.statusCode < 500 ? 'invalid_request' : 'internal_error';
    if (code === 'internal_error') this.logger.error(error.stack ?? String(error));
    this.metrics.gatewayRefused(code);
    this.audit.record('gateway.forward', { requestId: String(request.id), bot: request.params?.bot, outcome: code });
    const bot = typeof request.params?.bot === 'string' && ownBot(this.config.bots, request.params.bot) ? request.params.bot : undefined;
    const answer = this.ownAnswer(appError(code), bot ? this.replyVendor(bot) : undefined, String(request.id));
    return reply.code(answer.status).headers(errorHeaders(request)).send(answer.body);
  }
}
