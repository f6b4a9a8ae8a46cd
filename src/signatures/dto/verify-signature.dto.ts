/**
 * The forwarded webhook as a DTO: the fields of `/v1/verify/signature`
 * (verify-signature.schema.ts holds their limits and docs) for the routes
 * that go through Nest's validation pipe — `/v1/verify/webhook` extends it.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIP, IsObject, IsOptional, IsString, Matches, MaxLength, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { HEADER_NAME } from '../webhook-config.dto.js';
import type { SignatureInput } from '../signature-input.js';
import {
  BOT_NAME,
  MAX_HEADER_REPEATS,
  MAX_HEADER_VALUE,
  MAX_HEADERS,
  MAX_URL,
  METHOD,
  SIGNATURE_FIELD_DOCS,
  SIGNATURE_VERIFICATION_RESPONSE,
} from '../verify-signature.schema.js';

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
          (isHeaderValue(item) || (Array.isArray(item) && item.length > 0 && item.length <= MAX_HEADER_REPEATS && item.every(isHeaderValue))),
      )
    );
  }
  defaultMessage(): string {
    return `headers must map header names to a string, or to an array of strings for a header received several times (at most ${MAX_HEADERS} headers)`;
  }
}

/** The received request as forwarded, without the bot: `/v1/verify/webhook` may take the bot from the API key. */
export class ForwardedRequestDto implements Omit<SignatureInput, 'bot'> {
  @ApiPropertyOptional(SIGNATURE_FIELD_DOCS.method)
  @IsOptional() @IsString() @Matches(METHOD, { message: 'method must be an HTTP method such as POST' })
  method?: string;

  @ApiPropertyOptional(SIGNATURE_FIELD_DOCS.url)
  @IsOptional() @IsString() @MaxLength(MAX_URL)
  url?: string;

  @ApiProperty({
    ...SIGNATURE_FIELD_DOCS.headers,
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
  })
  @IsObject() @Validate(ForwardedHeadersConstraint)
  headers: Record<string, string | string[]>;

  @ApiPropertyOptional(SIGNATURE_FIELD_DOCS.body)
  @IsOptional() @IsString()
  body?: string;

  @ApiPropertyOptional(SIGNATURE_FIELD_DOCS.bodyBase64)
  @IsOptional() @IsString()
  bodyBase64?: string;

  @ApiPropertyOptional(SIGNATURE_FIELD_DOCS.clientIp)
  @IsOptional() @IsIP(undefined, { message: 'clientIp must be an IPv4 or IPv6 address' })
  clientIp?: string;
}

export class VerifySignatureDto extends ForwardedRequestDto implements SignatureInput {
  @ApiProperty(SIGNATURE_FIELD_DOCS.bot)
  @IsString() @Matches(BOT_NAME, { message: 'bot must be a bot name from the config' })
  bot: string;
}

const verdict = SIGNATURE_VERIFICATION_RESPONSE.properties;

export class SignatureVerificationDto {
  @ApiProperty(verdict.valid) valid: true;
  @ApiProperty({ ...verdict.scheme, enum: [...verdict.scheme.enum] }) scheme: string;
  @ApiProperty(verdict.secretId) secretId: string;
  @ApiPropertyOptional(verdict.eventId) eventId?: string;
  @ApiPropertyOptional(verdict.challenge) challenge?: string;
}
