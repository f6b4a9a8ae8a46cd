import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';

const NAME = /^[\w.:@-]{1,128}$/;
const EXAMPLE_TOKEN = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoiOWYzYzFhMmIifQ..r5Qx3c8Yb1m9k2Lw.X0hV…tS4.q8nM0Y3m2Jp6Q1x0Vb2h9A';

export class IssueTokenDto {
  @ApiProperty({ description: "A bot from the config, and one of the API key's bots when it is bound to some", example: 'shop' })
  @IsString() @Matches(NAME)
  bot: string;

  @ApiProperty({ description: 'Your user id for this person', example: 'customer-1042' })
  @IsString() @Matches(/^[^\s]{1,256}$/, { message: 'subject must be 1-256 characters without spaces' })
  subject: string;

  @ApiPropertyOptional({ description: 'Roles from the config; their permissions are granted', example: ['customer'] })
  @IsOptional() @IsArray() @ArrayMaxSize(32) @IsString({ each: true }) @Matches(NAME, { each: true })
  roles?: string[];

  @ApiPropertyOptional({ example: ['orders:read'] })
  @IsOptional() @IsArray() @ArrayMaxSize(64) @IsString({ each: true }) @Matches(NAME, { each: true })
  permissions?: string[];

  @ApiPropertyOptional({ description: 'Bind the token to this conversation' })
  @IsOptional() @IsString() @MaxLength(256)
  conversationId?: string;

  @ApiPropertyOptional({
    description: "The conversation's chat session token (Inbenta: the widget's session token). With a bot `chat:` block, the token is pushed into the hidden chat variable and blanked on logout or revocation",
  })
  @IsOptional() @IsString() @MaxLength(2048)
  chatSession?: string;

  @ApiPropertyOptional({ description: 'Shorter lifetime than the configured one', example: 300 })
  @IsOptional() @IsInt() @Min(30) @Max(86400)
  ttlSeconds?: number;

  @ApiPropertyOptional({
    description: "Your user's attributes (strings). Only those the bot's `profile` names (e.g. email, name) reach its identity proofs; the rest are ignored",
    example: { email: 'jo@example.com', name: 'Jo Doe' },
  })
  @IsOptional() @IsStringMap(16, 254)
  attributes?: Record<string, string>;

  @ApiPropertyOptional({
    description: "Identity proofs the site relies on: refused with identity_not_configured when the bot's `identity` block lacks one (the answer carries every configured proof either way)",
    example: ['zendesk'],
  })
  @IsOptional() @IsArray() @ArrayMaxSize(8) @IsString({ each: true }) @Matches(/^[a-z0-9-]{1,32}$/, { each: true })
  identity?: string[];
}

/** A plain object of at most `maxKeys` string values, each at most `maxLength` characters. */
function IsStringMap(maxKeys: number, maxLength: number): PropertyDecorator {
  return ValidateBy({
    name: 'isStringMap',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length <= maxKeys &&
        Object.entries(value).every(([key, item]) => /^[A-Za-z0-9_.:-]{1,64}$/.test(key) && typeof item === 'string' && item.length <= maxLength),
      defaultMessage: (args) => `${args?.property} must map at most ${maxKeys} names (letters, digits, _ . : -) to strings of at most ${maxLength} characters`,
    },
  });
}

export class IssuedTokenDto {
  @ApiProperty({ example: EXAMPLE_TOKEN }) token: string;
  @ApiProperty({ example: '2026-11-22T10:15:00.000Z' }) expiresAt: string;
  @ApiProperty({ example: 'pQ2m9xY0aB3' }) sessionId: string;
  @ApiPropertyOptional({ enum: ['set', 'failed'], description: 'Whether the hidden chat variable now holds the token (only when a chat session was given and the bot pushes server side)' })
  chatVariable?: 'set' | 'failed';
  @ApiPropertyOptional({
    description: "Vendor identity proofs for the bot's `identity` block, none expiring after the token: Zendesk/Intercom/Salesforce a JWT, Chatbase (and Intercom with userHash) `{ userId, userHash }`",
    example: { zendesk: 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImFwcF82NGMxIn0.…', chatbase: { userId: 'customer-1042', userHash: '3f1c…' } },
  })
  identity?: Record<string, string | { userId: string; userHash: string }>;
}

export class TokenOnlyDto {
  @ApiProperty({ example: EXAMPLE_TOKEN })
  @IsOptional() @IsString()
  token?: string;
}

export class RevokeSessionsDto {
  @ApiPropertyOptional({ example: 'pQ2m9xY0aB3cD4eF' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  sessionId?: string;

  @ApiPropertyOptional({ example: 'customer-1042' })
  @IsOptional() @IsString() @MaxLength(256)
  subject?: string;

  @ApiPropertyOptional({ description: "Only sessions of this bot. A key bound to bots must name one of them, unless it is bound to exactly one", example: 'shop' })
  @IsOptional() @IsString() @Matches(NAME)
  bot?: string;
}

export class IntrospectDto {
  @ApiProperty({ description: 'RFC 7662 §2.1: the token to introspect' })
  @IsOptional() @IsString()
  token?: string;

  @ApiPropertyOptional({ description: 'RFC 7662 §2.1 hint (ignored: there is one token type)' })
  @IsOptional() @IsString()
  token_type_hint?: string;

  @ApiPropertyOptional({ description: 'The bot the token must belong to (a chatwarden extension, RFC 7662 §2.1 allows them). Required unless the API key is bound to exactly one bot', example: 'shop' })
  @IsOptional() @IsString() @Matches(NAME)
  bot?: string;

  @ApiPropertyOptional({ description: 'The conversation the token must be bound to, as in POST /v1/verify/token', example: 'c-7' })
  @IsOptional() @IsString() @MaxLength(256)
  conversationId?: string;
}
