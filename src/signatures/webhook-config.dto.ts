/**
 * A bot's `webhook:` block (SPEC.md, config `bots.*.webhook`; schemes and
 * their options in VENDORS.md). By the time this is validated, `{ env }` and
 * `{ file }` references have been replaced by their string values, so every
 * secret here is a plain string. Options sit flat on the block, as in the YAML;
 * which options a scheme reads is listed in OPTIONS_BY_SCHEME, and
 * `schemeProblems` reports what a scheme still needs in words that say what
 * to change. Defaults that no vendor document confirms are marked so.
 */
import { Transform, Type, plainToInstance } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateNested,
  validateSync,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidationError,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { parseAllowEntry } from './ip-allow-list.js';
import { parsePublicKey, type PublicKeyType } from './public-key.js';
import { WEBHOOK_SCHEMES, type WebhookScheme } from './webhook-scheme.js';
import { secretValueProblem } from './webhook-secret-format.js';
import { isTokenField } from '../webhooks/token-extractor.js';
import { REPLY_VENDORS, type ReplyVendor } from '../webhooks/vendor-replies/vendor-reply-registry.js';

/** RFC 9110 §5.6.2 `token`: what a header field name may contain. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PLACEHOLDER = /\{([a-z]+)\}/g;
const TEMPLATE_PLACEHOLDERS = new Set(['body', 'timestamp', 'id', 'method', 'url']);

export const DEFAULT_TOLERANCE_SECONDS = 300;
/** Twilio's names for the shared-key signing algorithms (twilio-node `HMAC_SHA1`, `HMAC_SHA256`). */
export const TWILIO_SHARED_KEY_ALGORITHMS = ['HMAC_SHA256', 'HMAC_SHA1'] as const;
export type TwilioSharedKeyAlgorithm = (typeof TWILIO_SHARED_KEY_ALGORITHMS)[number];
/** The one algorithm Twilio's shared-key documentation shows; SHA-1 with a shared key is unconfirmed. */
export const DEFAULT_TWILIO_SHARED_KEY_ALGORITHMS: readonly TwilioSharedKeyAlgorithm[] = ['HMAC_SHA256'];
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Microsoft's Bot Connector OpenID metadata (learn.microsoft.com, bot-framework-rest-connector-authentication). */
export const BOTFRAMEWORK_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';

export class BasicAuthDto {
  /** RFC 7617 §2: the user-id cannot contain a colon. */
  @IsString() @IsNotEmpty() @Matches(/^[^:]*$/, { message: 'basicAuth.username must not contain ":" (RFC 7617)' })
  username: string;

  @IsString() @IsNotEmpty()
  password: string;
}

export class ReplayOptionsDto {
  /** Reject a second delivery of the same signed event id. Default true. */
  @IsOptional() @IsBoolean()
  enabled?: boolean;

  /**
   * For schemes whose deliveries carry no signed id: treat the SHA-256 of the
   * signed material (timestamp, if any, and body) as the id. Off by default,
   * since a vendor may legitimately send an identical body twice.
   */
  @IsOptional() @IsBoolean()
  dedupeBodyHash?: boolean;

  /**
   * How long an id is remembered. Default: twice `toleranceSeconds` plus one
   * for timestamped schemes (a delivery is accepted from tolerance before to
   * tolerance after its timestamp, both included), one day otherwise.
   */
  @IsOptional() @IsInt() @Min(1) @Max(30 * 86400)
  windowSeconds?: number;
}

/** `user:password` (RFC 7617 §2: split at the first colon) as a BasicAuthDto; anything else unchanged. */
function basicAuthFromString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const colon = value.indexOf(':');
  if (colon < 0) return value;
  return Object.assign(new BasicAuthDto(), { username: value.slice(0, colon), password: value.slice(colon + 1) });
}

@ValidatorConstraint({ name: 'allowIps' })
class AllowIpsConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return Array.isArray(value) && value.every((entry) => typeof entry === 'string' && parseAllowEntry(entry) !== undefined);
  }
  defaultMessage(args: ValidationArguments): string {
    const bad = (Array.isArray(args.value) ? args.value : [args.value]).filter(
      (entry: unknown) => typeof entry !== 'string' || parseAllowEntry(entry) === undefined,
    );
    return `allowIps entries must be CIDRs (203.0.113.0/24, 2001:db8::/32) or single addresses; not understood: ${bad.map(String).join(', ')}`;
  }
}

@ValidatorConstraint({ name: 'headerMap' })
class HeaderMapConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).length > 0 &&
      Object.entries(value).every(([name, v]) => HEADER_NAME.test(name) && typeof v === 'string' && v.length > 0)
    );
  }
  defaultMessage(): string {
    return 'headers must map header names (letters, digits, "-") to non-empty string values, e.g. headers: { x-bot-key: { env: BOT_KEY } }';
  }
}

@ValidatorConstraint({ name: 'tokenField' })
class TokenFieldConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isTokenField(value);
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be a field name or a dotted JSON path such as attributes.user_token (letters, digits, _ $ -)`;
  }
}

@ValidatorConstraint({ name: 'schemeRequirements' })
class SchemeRequirementsConstraint implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return schemeProblems(args.object as WebhookConfigDto).length === 0;
  }
  defaultMessage(args: ValidationArguments): string {
    return schemeProblems(args.object as WebhookConfigDto).join('; ');
  }
}

export class WebhookConfigDto {
  @IsIn(WEBHOOK_SCHEMES, { message: `scheme must be one of: ${WEBHOOK_SCHEMES.join(', ')}` })
  @Validate(SchemeRequirementsConstraint)
  scheme: WebhookScheme;

  /** Shared secrets (or public keys / tokens, by scheme) from the config; the CLI can add more. */
  @IsOptional() @IsArray() @IsString({ each: true }) @IsNotEmpty({ each: true })
  secrets?: string[];

  /** Largest accepted distance between a signed timestamp and now. Default 300. */
  @IsOptional() @IsInt() @Min(1) @Max(86400)
  toleranceSeconds?: number;

  /** Bodies larger than this are refused with 413 before any crypto runs. Default 1 MiB. */
  @IsOptional() @IsInt() @Min(1024) @Max(10 * 1024 * 1024)
  maxBodyBytes?: number;

  @IsOptional() @ValidateNested() @Type(() => ReplayOptionsDto)
  replay?: ReplayOptionsDto;

  /** Source addresses accepted for this bot (any scheme). Empty or absent: any address. */
  @IsOptional() @IsArray() @Validate(AllowIpsConstraint)
  allowIps?: string[];

  /**
   * Where `/v1/verify/webhook` finds the user token in this bot's webhook
   * bodies when the request does not say: a dotted JSON path
   * (`attributes.user_token`) or a form field (Inbenta). Default `user_token`.
   */
  @IsOptional() @IsString() @Validate(TokenFieldConstraint)
  tokenField?: string;

  /**
   * Where this bot's vendor puts the conversation id in webhook bodies, written
   * like tokenField: `/v1/verify/webhook` compares it with the token's
   * conversation without the caller passing it (SPEC.md "Conversation binding").
   */
  @IsOptional() @IsString() @Validate(TokenFieldConstraint)
  conversationField?: string;

  /**
   * The vendor whose reply format a refusal comes in when chatwarden answers
   * the vendor itself (the webhook gateway, src/gateway): the chat shows the
   * message. Absent: JSON 401/403.
   */
  @IsOptional() @IsIn(REPLY_VENDORS, { message: `reply must be one of: ${REPLY_VENDORS.join(', ')}` })
  reply?: ReplyVendor;

  // convokraft, freshchat

  /** The vendor's public key, PEM or base64 DER. */
  @IsOptional() @IsString()
  publicKey?: string;

  /** Digest signed by the vendor. Default sha256 (unconfirmed for ConvoKraft). */
  @IsOptional() @IsIn(['sha256', 'sha1'], { message: 'hash must be sha256 or sha1' })
  hash?: 'sha256' | 'sha1';

  /** How the signature header is encoded. Default base64 (unconfirmed for ConvoKraft). */
  @IsOptional() @IsIn(['base64', 'hex'], { message: 'signatureEncoding must be base64 or hex' })
  signatureEncoding?: 'base64' | 'hex';

  /** DSA signature layout. Default der (ASN.1 SEQUENCE of r, s; unconfirmed). */
  @IsOptional() @IsIn(['der', 'ieee-p1363'], { message: 'dsaEncoding must be der or ieee-p1363' })
  dsaEncoding?: 'der' | 'ieee-p1363';

  // botframework

  /** OpenID metadata whose `jwks_uri` holds the signing keys; Microsoft's is BOTFRAMEWORK_METADATA_URL. */
  @IsOptional() @IsString()
  metadataUrl?: string;

  /** The bot's Microsoft App ID: the `aud` every token must carry. */
  @IsOptional() @IsString() @IsNotEmpty()
  appId?: string;

  // hmac

  /** Header carrying the signature. */
  @IsOptional() @Matches(HEADER_NAME, { message: 'header must be an HTTP header name' })
  header?: string;

  @IsOptional() @IsIn(['sha1', 'sha256', 'sha512'], { message: 'algorithm must be sha1, sha256 or sha512' })
  algorithm?: 'sha1' | 'sha256' | 'sha512';

  @IsOptional() @IsIn(['hex', 'base64'], { message: 'encoding must be hex or base64' })
  encoding?: 'hex' | 'base64';

  /** Text before the digest in the header, e.g. `sha256=`. */
  @IsOptional() @IsString() @MaxLength(64)
  prefix?: string;

  /** Header carrying the signed timestamp; requires `{timestamp}` in `payload`. */
  @IsOptional() @Matches(HEADER_NAME, { message: 'timestampHeader must be an HTTP header name' })
  timestampHeader?: string;

  @IsOptional() @IsIn(['unix', 'unix-ms', 'iso8601'], { message: 'timestampFormat must be unix, unix-ms or iso8601' })
  timestampFormat?: 'unix' | 'unix-ms' | 'iso8601';

  /** Header carrying a signed delivery id (replay); requires `{id}` in `payload`. */
  @IsOptional() @Matches(HEADER_NAME, { message: 'idHeader must be an HTTP header name' })
  idHeader?: string;

  /** Signed bytes: `{body}` plus optionally `{timestamp}`, `{id}`, `{method}`, `{url}`. Default `{body}`. */
  @IsOptional() @IsString() @MaxLength(256)
  payload?: string;

  // chatbotcom, inbenta, ingenious

  /** One more accepted token besides `secrets` (ChatBot.com: the connection's token). */
  @IsOptional() @IsString() @IsNotEmpty()
  token?: string;

  /** Header presenting the token; `authorization` means `Bearer <token>`. Default for ingenious: authorization. */
  @IsOptional() @Matches(HEADER_NAME, { message: 'tokenHeader must be an HTTP header name' })
  tokenHeader?: string;

  /**
   * Expected HTTP Basic credentials (ChatBot.com connection `auth`, Inbenta):
   * `{ username, password }`, or one `user:password` string (handy when the
   * whole value comes from `{ env: NAME }`).
   */
  @IsOptional() @ValidateNested() @Type(() => BasicAuthDto) @Transform(({ value }) => basicAuthFromString(value))
  basicAuth?: BasicAuthDto;

  /** Headers that must be present with exactly these values (ChatBot.com connection `headers`). */
  @IsOptional() @IsObject() @Validate(HeaderMapConstraint)
  headers?: Record<string, string>;

  // meta

  /** The Verify Token typed in Meta's App Dashboard, checked by the `hub.challenge` GET. */
  @IsOptional() @IsString() @IsNotEmpty()
  verifyToken?: string;

  // twilio

  /**
   * Twilio shared-key signing (Webhook Settings, public beta): `off` (default)
   * refuses requests carrying X-Twilio-Webhooks-Signature-Settings, `accept`
   * takes both auth-token and shared-key signatures (while migrating),
   * `require` only shared-key ones. The SharedKey secret goes in `secrets`.
   */
  @IsOptional() @IsIn(['off', 'accept', 'require'], { message: 'sharedKey must be off, accept or require' })
  sharedKey?: 'off' | 'accept' | 'require';

  /** Algorithms a shared-key request may name. Default [HMAC_SHA256]; HMAC_SHA1 is unconfirmed for shared keys. */
  @IsOptional() @IsArray() @ArrayNotEmpty() @IsIn(TWILIO_SHARED_KEY_ALGORITHMS, { each: true, message: 'sharedKeyAlgorithms entries must be HMAC_SHA256 or HMAC_SHA1' })
  sharedKeyAlgorithms?: TwilioSharedKeyAlgorithm[];
}

type OptionName = Exclude<
  keyof WebhookConfigDto,
  'scheme' | 'secrets' | 'toleranceSeconds' | 'maxBodyBytes' | 'replay' | 'allowIps' | 'tokenField' | 'conversationField' | 'reply'
>;

const SHARED_CREDENTIAL_SCHEMES: readonly WebhookScheme[] = ['chatbotcom', 'inbenta', 'ingenious'];
const HMAC_ONLY: readonly WebhookScheme[] = ['hmac'];

/** Which scheme reads which option; setting one a scheme ignores is reported, as it is usually a mistake. */
export const OPTIONS_BY_SCHEME: Readonly<Record<OptionName, readonly WebhookScheme[]>> = {
  publicKey: ['convokraft', 'freshchat'],
  hash: ['convokraft', 'freshchat'],
  signatureEncoding: ['convokraft', 'freshchat'],
  dsaEncoding: ['convokraft'],
  metadataUrl: ['botframework'],
  appId: ['botframework'],
  header: HMAC_ONLY,
  algorithm: HMAC_ONLY,
  encoding: HMAC_ONLY,
  prefix: HMAC_ONLY,
  timestampHeader: HMAC_ONLY,
  timestampFormat: HMAC_ONLY,
  idHeader: HMAC_ONLY,
  payload: HMAC_ONLY,
  token: SHARED_CREDENTIAL_SCHEMES,
  tokenHeader: SHARED_CREDENTIAL_SCHEMES,
  basicAuth: SHARED_CREDENTIAL_SCHEMES,
  headers: SHARED_CREDENTIAL_SCHEMES,
  verifyToken: ['meta'],
  sharedKey: ['twilio'],
  sharedKeyAlgorithms: ['twilio'],
};

const KEY_TYPES: Partial<Record<WebhookScheme, PublicKeyType>> = { convokraft: 'dsa', freshchat: 'rsa' };

/** https, or http to a loopback host (nothing on the network can tamper with it). */
export function isTrustedKeyUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.');
  return url.protocol === 'http:' && loopback;
}

/** The effective token header of a shared-credential scheme. */
export function tokenHeaderOf(options: Pick<WebhookConfigDto, 'scheme' | 'tokenHeader'>): string | undefined {
  return options.tokenHeader?.toLowerCase() ?? (options.scheme === 'ingenious' ? 'authorization' : undefined);
}

/** Placeholders used by an hmac `payload` template. */
export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
}

/** What `config`'s scheme still needs, each item saying what to change; empty when it is complete. */
export function schemeProblems(config: WebhookConfigDto): string[] {
  const scheme = config.scheme;
  if (!(WEBHOOK_SCHEMES as readonly string[]).includes(scheme)) return [];
  const problems: string[] = [];

  for (const [option, schemes] of Object.entries(OPTIONS_BY_SCHEME) as [OptionName, readonly WebhookScheme[]][]) {
    if (config[option] !== undefined && !schemes.includes(scheme)) {
      problems.push(`${option} is not used by scheme ${scheme} (it applies to ${schemes.join(', ')}): remove it`);
    }
  }

  const keyType = KEY_TYPES[scheme];
  if (keyType) {
    if (!config.publicKey) {
      problems.push(
        `publicKey is required for scheme ${scheme}: set it to the vendor's public key as PEM or base64 DER, e.g. publicKey: { file: ./keys/${scheme}.pem }`,
      );
    } else if (!parsePublicKey(config.publicKey, keyType)) {
      problems.push(`publicKey is not a ${keyType.toUpperCase()} public key in PEM or base64 DER: paste the key exactly as the vendor shows it`);
    }
  }

  if (scheme === 'botframework') {
    if (!config.appId) problems.push('appId is required for scheme botframework: set it to the bot\'s Microsoft App ID');
    if (!config.metadataUrl) {
      problems.push(`metadataUrl is required for scheme botframework: normally ${BOTFRAMEWORK_METADATA_URL}`);
    } else if (!isTrustedKeyUrl(config.metadataUrl)) {
      problems.push('metadataUrl must be an https:// URL (http:// only to a loopback address)');
    }
  }

  if (scheme === 'hmac') problems.push(...hmacProblems(config));
  if (scheme === 'twilio' && config.sharedKeyAlgorithms && (config.sharedKey ?? 'off') === 'off') {
    problems.push('sharedKeyAlgorithms is only read with sharedKey: accept or require: set sharedKey or remove sharedKeyAlgorithms');
  }
  if (SHARED_CREDENTIAL_SCHEMES.includes(scheme)) problems.push(...sharedCredentialProblems(config));

  (config.secrets ?? []).forEach((secret, index) => {
    // Empty and non-text entries are already reported by the field's own validators.
    const problem = typeof secret === 'string' && secret !== '' ? secretValueProblem(scheme, secret) : undefined;
    if (problem) problems.push(`secrets[${index}] ${problem}`);
  });
  return problems;
}

function hmacProblems(config: WebhookConfigDto): string[] {
  const problems: string[] = [];
  if (!config.header) problems.push('header is required for scheme hmac: the name of the header that carries the signature');
  const template = config.payload ?? '{body}';
  const used = templatePlaceholders(template);
  const unknown = used.filter((name) => !TEMPLATE_PLACEHOLDERS.has(name));
  if (unknown.length > 0) {
    problems.push(`payload uses unknown placeholders ${unknown.map((n) => `{${n}}`).join(', ')}: use {body}, {timestamp}, {id}, {method}, {url}`);
  }
  if (used.filter((name) => name === 'body').length !== 1) problems.push('payload must contain {body} exactly once');
  // An unsigned timestamp or id proves nothing: anyone could rewrite it.
  if (config.timestampHeader && !used.includes('timestamp')) {
    problems.push('timestampHeader is set but payload has no {timestamp}: the timestamp must be signed, e.g. payload: "{timestamp}.{body}"');
  }
  if (used.includes('timestamp') && !config.timestampHeader) problems.push('payload uses {timestamp}: set timestampHeader');
  if (config.idHeader && !used.includes('id')) problems.push('idHeader is set but payload has no {id}: the id must be signed');
  if (used.includes('id') && !config.idHeader) problems.push('payload uses {id}: set idHeader');
  if (config.timestampFormat && !config.timestampHeader) problems.push('timestampFormat needs timestampHeader');
  return problems;
}

function sharedCredentialProblems(config: WebhookConfigDto): string[] {
  const problems: string[] = [];
  const tokenHeader = tokenHeaderOf(config);
  if (!tokenHeader && !config.headers && !config.basicAuth) {
    problems.push(
      config.scheme === 'chatbotcom'
        ? 'scheme chatbotcom needs a credential the connection sends on every call: headers (the connection\'s custom headers), basicAuth (its auth username and password) or tokenHeader; token alone only answers the verification GET'
        : `scheme ${config.scheme} needs at least one of tokenHeader, headers or basicAuth`,
    );
  }
  if (tokenHeader === 'authorization' && config.basicAuth) {
    problems.push('basicAuth and a token in the Authorization header cannot both be required: set tokenHeader to another header');
  }
  if (config.headers && Object.keys(config.headers).some((name) => name.toLowerCase() === tokenHeader)) {
    problems.push(`headers must not list ${tokenHeader}, which tokenHeader already checks`);
  }
  if (config.headers && config.basicAuth && Object.keys(config.headers).some((name) => name.toLowerCase() === 'authorization')) {
    problems.push('headers must not list authorization when basicAuth is set');
  }
  return problems;
}

export interface WebhookConfigValidation {
  value?: WebhookConfigDto;
  /** `path: message` lines, empty when valid. */
  problems: string[];
}

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).flatMap(([name, message]) => {
      if (name === 'whitelistValidation') return [`${path}: unknown option, remove it or check its spelling`];
      // Scheme requirements name the option they are about; one line each.
      if (name === 'schemeRequirements') return schemeProblems(error.target as WebhookConfigDto);
      return [`${path}: ${message}`];
    });
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** Validates a plain `webhook:` block (references already resolved); unknown options are reported. */
export function validateWebhookConfig(plain: unknown): WebhookConfigValidation {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { problems: ['webhook must be a mapping with at least `scheme`'] };
  }
  const value = plainToInstance(WebhookConfigDto, plain);
  const problems = flatten(validateSync(value, { whitelist: true, forbidNonWhitelisted: true }));
  return problems.length === 0 ? { value, problems } : { problems };
}
