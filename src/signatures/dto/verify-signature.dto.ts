/**
 * `POST /v1/verify/signature` (SPEC.md "HTTP API"): what the webhook handler
 * forwards — the bot, the request line, the headers and the body exactly as
 * received — and the verdict. The whole request is capped by the app's body
 * limit (512 KiB), so a webhook body can be up to about 500 KiB as `body`
 * text or 380 KiB as `bodyBase64`; `webhook.maxBodyBytes` can lower that per bot.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIP,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { WEBHOOK_SCHEMES } from '../webhook-scheme.js';
import { HEADER_NAME } from '../webhook-config.dto.js';
import type { SignatureInput } from '../signature-input.js';

export const BOT_NAME = /^[\w.:@-]{1,128}$/;
const MAX_HEADERS = 100;
const MAX_REPEATS = 16;
const MAX_HEADER_VALUE = 16 * 1024;

const EXAMPLE_BODY = '{"eventType":"leads.submit","chatbotId":"cb-42","payload":{"conversationId":"c-7","customerEmail":"ana@example.com"}}';

function isHeaderValue(value: unknown): boolean {
  return typeof value === 'string' && value.length <= MAX_HEADER_VALUE;
}

@ValidatorConstraint({ name: 'forwardedHeaders' })
class ForwardedHeadersConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const entries = Object.entries(value);
    return (
      entries.length <= MAX_HEADERS &&
      entries.every(
        ([name, item]) =>
          HEADER_NAME.test(name) &&
          (isHeaderValue(item) || (Array.isArray(item) && item.length > 0 && item.length <= MAX_REPEATS && item.every(isHeaderValue))),
      )
    );
  }
  defaultMessage(): string {
    return `headers must map header names to a string, or to an array of strings for a header received several times (at most ${MAX_HEADERS} headers)`;
  }
}

export class VerifySignatureDto implements SignatureInput {
  @ApiProperty({ description: 'The bot whose webhook received the request', example: 'shop' })
  @IsString() @Matches(BOT_NAME, { message: 'bot must be a bot name from the config' })
  bot: string;

  @ApiPropertyOptional({ description: 'Method of the received request; default POST (GET for subscription handshakes)', example: 'POST' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{1,16}$/, { message: 'method must be an HTTP method such as POST' })
  method?: string;

  @ApiPropertyOptional({
    description: 'The full URL the vendor called, query included: Twilio signs it, and handshakes (ChatBot.com, Meta) carry their challenge in it',
    example: 'https://bot.example.com/webhooks/shop',
  })
  @IsOptional() @IsString() @MaxLength(8192)
  url?: string;

  @ApiProperty({
    description: 'The headers as received, names in any case. A header received several times is an array (security headers received twice are refused).',
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    example: { 'content-type': 'application/json', 'x-chatbase-signature': '5b0f1e3c4a7d9e2f8b6a1c0d3e4f5a6b7c8d9e0f' },
  })
  @IsObject() @Validate(ForwardedHeadersConstraint)
  headers: Record<string, string | string[]>;

  @ApiPropertyOptional({
    description: 'The body exactly as received, when it is UTF-8 text (JSON, form). Never re-serialize it: signatures cover the bytes. Give this or bodyBase64.',
    example: EXAMPLE_BODY,
  })
  @IsOptional() @IsString()
  body?: string;

  @ApiPropertyOptional({
    description: 'The body as padded base64 (RFC 4648 section 4), for binary bodies or any bytes that are not UTF-8. Give this or body.',
    example: Buffer.from(EXAMPLE_BODY).toString('base64'),
  })
  @IsOptional() @IsString()
  bodyBase64?: string;

  @ApiPropertyOptional({
    description:
      "The address the vendor's request came from, as your handler's socket saw it (Node: req.socket.remoteAddress). Required when the bot has allowIps. When it is one of the trustProxy addresses, the X-Forwarded-For among headers is followed past them.",
    example: '203.0.113.7',
  })
  @IsOptional() @IsIP(undefined, { message: 'clientIp must be an IPv4 or IPv6 address' })
  clientIp?: string;
}

export class SignatureVerificationDto {
  @ApiProperty({ example: true }) valid: true;
  @ApiProperty({ enum: WEBHOOK_SCHEMES, example: 'chatbase' }) scheme: string;
  @ApiProperty({ description: 'Which live secret or key matched (never the secret): config-0, cli-…, public-key, token', example: 'config-0' })
  secretId: string;
  @ApiPropertyOptional({ description: "The vendor's signed delivery id, when the scheme has one (used for replay detection)", example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' })
  eventId?: string;
  @ApiPropertyOptional({ description: 'Present for a subscription handshake: answer the vendor with exactly this text (status 200, text/plain)', example: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' })
  challenge?: string;
}
