/**
 * `POST /v1/verify/webhook` (SPEC.md "HTTP API"): the forwarded webhook of
 * `/v1/verify/signature` plus what the token check needs — where the token
 * is in the body, the action about to run — and, with `reply`, the vendor
 * whose reply format a refusal should come in.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { ForwardedRequestDto, SignatureVerificationDto } from '../../signatures/dto/verify-signature.dto.js';
import { BOT_NAME } from '../../signatures/verify-signature.schema.js';
import { isTokenField } from '../token-extractor.js';
import { REPLY_VENDORS, type ReplyVendor } from '../vendor-replies/vendor-reply-registry.js';

const NAME = /^[\w.:@-]{1,128}$/;

@ValidatorConstraint({ name: 'tokenField' })
class TokenFieldConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isTokenField(value);
  }
  defaultMessage(): string {
    return 'tokenField must be a field name or a dotted JSON path such as attributes.user_token';
  }
}

export class VerifyWebhookDto extends ForwardedRequestDto {
  @ApiPropertyOptional({
    description:
      "The bot whose webhook received the request. Required unless the API key is bound to exactly one bot (then that bot); a bot outside the key's list is bot_not_allowed",
    example: 'shop',
  })
  @IsOptional() @IsString() @Matches(BOT_NAME, { message: 'bot must be a bot name from the config' })
  bot?: string;

  @ApiPropertyOptional({
    description:
      "Where the user token is in the body: a dotted JSON path (ChatBot.com: attributes.user_token, ConvoKraft: params.user_token) or a form field (Inbenta). Default: the bot's webhook.tokenField, else user_token.",
    example: 'attributes.user_token',
  })
  @IsOptional() @IsString() @Validate(TokenFieldConstraint)
  tokenField?: string;

  @ApiPropertyOptional({ description: "The action about to run; its permissions come from the bot's actions map", example: 'orders.lookup' })
  @IsOptional() @IsString() @Matches(NAME)
  action?: string;

  @ApiPropertyOptional({ description: 'Permissions the action needs, added to those of action', example: ['orders:read'] })
  @IsOptional() @IsArray() @ArrayMaxSize(64) @IsString({ each: true }) @Matches(NAME, { each: true })
  permissions?: string[];

  @ApiPropertyOptional({
    description:
      "The conversation the webhook runs in; a token bound to another one is conversation_mismatch. With the bot's webhook.conversationField, the id in the signed body is used (and must agree with this one if both are given)",
    example: 'c-7',
  })
  @IsOptional() @IsString() @MaxLength(256)
  conversationId?: string;

  @ApiPropertyOptional({
    description: "On a refusal, also answer vendorReply: the body to send back to this vendor (with status 200) so the chat shows the message",
    enum: REPLY_VENDORS,
    example: 'chatbotcom',
  })
  @IsOptional() @IsIn(REPLY_VENDORS, { message: `reply must be one of: ${REPLY_VENDORS.join(', ')}` })
  reply?: ReplyVendor;
}

export class WebhookTokenDto {
  @ApiProperty({ example: true }) valid: true;
  @ApiProperty({ example: 'alice' }) subject: string;
  @ApiProperty({ example: 'shop' }) bot: string;
  @ApiProperty({ example: 'pQ2m9xY0aB3cD4eF' }) sessionId: string;
  @ApiProperty({ example: ['account:read', 'orders:read'] }) permissions: string[];
  @ApiProperty({ enum: ['pwd', 'sso', 'trusted'], example: 'pwd' }) authMethod: string;
  @ApiProperty({ example: '2026-11-22T10:15:00.000Z' }) expiresAt: string;
  @ApiPropertyOptional({ example: 'c-7' }) conversationId?: string;
}

export class WebhookVerificationDto {
  @ApiProperty({ example: true }) valid: true;
  @ApiProperty({ type: SignatureVerificationDto }) signature: SignatureVerificationDto;
  @ApiProperty({ type: WebhookTokenDto, nullable: true, description: 'null for a vendor handshake, which carries no user token' })
  token: WebhookTokenDto | null;
  @ApiPropertyOptional({ description: 'A vendor handshake: answer the vendor with exactly this text', example: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' })
  challenge?: string;
}
