/**
 * The configuration contract (SPEC.md "Running it"). One class tree,
 * validated once at boot with class-validator; the rest of the code reads the
 * validated instance through AppConfig and never touches process.env.
 */
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IdentityConfig, ProfileConfig } from '../identity/identity-config.js';
import { DirectoryConfig } from '../directory/directory-config.js';
import { GatewayConfig } from '../gateway/gateway-config.js';

export class TokensConfig {
  /** Lifetime of one token; the widget refreshes before it ends. */
  @IsInt() @Min(30) @Max(86400)
  ttlSeconds = 900;

  /** A session with no verify or refresh for this long ends. */
  @IsInt() @Min(60) @Max(30 * 86400)
  sessionIdleSeconds = 3600;

  /** No session outlives this, however active. Tokens never outlive their session. */
  @IsInt() @Min(60) @Max(90 * 86400)
  sessionMaxAgeSeconds = 43200;

  /** Verified-claims cache entries per instance (the session is still checked on every call). */
  @IsInt() @Min(0) @Max(1_000_000)
  verifyCacheSize = 10000;
}

export class LockoutConfig {
  /** Failures of one account from one client address (IPv6 by /64) before that pair is banned. */
  @IsInt() @Min(1) @Max(1000)
  maxFailures = 5;

  /** Failures of one account from every address before the account is banned everywhere (a spread attack). */
  @IsInt() @Min(1) @Max(100000)
  maxFailuresPerAccount = 20;

  @IsInt() @Min(1)
  windowSeconds = 900;

  @IsInt() @Min(1)
  banSeconds = 900;

  /** Failures from one client IP (any usernames) before it is banned; default 4 × maxFailures, so one office NAT is not locked out by a few typos. */
  @IsOptional() @IsInt() @Min(1) @Max(100000)
  maxFailuresPerIp?: number;
}

export class LoginConfig {
  @IsBoolean()
  local = true;

  @IsOptional() @IsString()
  usersFile?: string;

  @ValidateNested() @Type(() => LockoutConfig)
  lockout: LockoutConfig = new LockoutConfig();

  /** LDAP / Active Directory, checked after the users file (docs/directory.md). */
  @IsOptional() @ValidateNested() @Type(() => DirectoryConfig)
  directory?: DirectoryConfig;
}

export class SsoProviderConfig {
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  issuer: string;

  /** Shown on the login page's button ("Sign in with Corp SSO"); defaults to the provider key, capitalised. */
  @IsOptional() @IsString()
  displayName?: string;

  @IsString()
  clientId: string;

  @IsOptional() @IsString()
  clientSecret?: string;

  @IsArray() @IsString({ each: true })
  scopes: string[] = ['openid', 'email', 'profile'];

  @IsOptional() @IsString()
  roleClaim?: string;

  @IsOptional() @IsObject()
  roleMap?: Record<string, string>;

  /**
   * Accept an `http://` issuer, but only on a loopback address (localhost,
   * 127.0.0.1, ::1): local development and the end-to-end tests run a real
   * OpenID provider there. Every other issuer must be https (OIDC Core §16.17);
   * the SSO module refuses to start on an http issuer otherwise.
   */
  @IsOptional() @IsBoolean()
  allowInsecureHttp?: boolean;
}

export class BotConfig {
  /** Origins that may embed the login page and receive tokens (exact match). */
  @IsArray() @ArrayNotEmpty()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { each: true })
  origins: string[];

  /** action -> permissions it needs. */
  @IsOptional() @IsObject()
  actions: Record<string, string[]> = {};

  /** Shown on the login page ("Sign in to <title>"). */
  @IsOptional() @IsString() @MaxLength(100)
  title?: string;

  /** Logo on the login page: an https URL, or a path on this service. */
  @IsOptional() @Matches(/^(https:\/\/[^\s"'<>]+|\/(?!\/)[^\s"'<>]*)$/, { message: 'logoUrl must be an https:// URL or a path starting with /' })
  logoUrl?: string;

  /** Accent colour of the login page, as #rgb or #rrggbb. */
  @IsOptional() @Matches(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, { message: 'primaryColor must look like #1a73e8' })
  primaryColor?: string;

  /** Optional server-side variable push (validated by the chat module). */
  @IsOptional() @IsObject()
  chat?: Record<string, unknown>;

  /** How this bot's vendor signs webhooks (validated by the signatures module). */
  @IsOptional() @IsObject()
  webhook?: Record<string, unknown>;

  /**
   * Verifies for this bot must name the conversation, and its tokens must be
   * bound to one: otherwise `conversation_mismatch` (SPEC.md "Conversation binding").
   */
  @IsOptional() @IsBoolean()
  requireConversation?: boolean;

  /** Vendor identity proofs minted with every token answer (src/identity; one block per vendor). */
  @IsOptional() @ValidateNested() @Type(() => IdentityConfig)
  identity?: IdentityConfig;

  /** User attributes the identity proofs may carry: profile field -> attribute name. */
  @IsOptional() @ValidateNested() @Type(() => ProfileConfig)
  profile?: ProfileConfig;

  /** The webhook gateway: forward the vendor's allowed calls to this handler (src/gateway). */
  @IsOptional() @ValidateNested() @Type(() => GatewayConfig)
  gateway?: GatewayConfig;
}

export class ChatwardenConfig {
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  publicUrl: string;

  @IsInt() @Min(0) @Max(65535)
  port = 3000;

  /** CIDRs whose X-Forwarded-For is believed. */
  @IsArray() @IsString({ each: true })
  trustProxy: string[] = [];

  @Matches(/^(memory:\/\/|rediss?:\/\/|redis\+sentinel:\/\/|redis\+cluster:\/\/)/, {
    message: 'store must be memory:// or a redis://, rediss://, redis+sentinel:// or redis+cluster:// URL',
  })
  store = 'memory://';

  @IsString()
  keysDir = './keys';

  @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
  logLevel = 'info';

  @ValidateNested() @Type(() => TokensConfig)
  tokens: TokensConfig = new TokensConfig();

  @ValidateNested() @Type(() => LoginConfig)
  login: LoginConfig = new LoginConfig();

  /** role -> permissions. */
  @IsObject()
  roles: Record<string, string[]> = {};

  @IsObject()
  sso: Record<string, SsoProviderConfig> = {};

  @IsObject()
  bots: Record<string, BotConfig> = {};

  /** Set by the loader (a value in the file is overwritten): true when no config file exists and NODE_ENV is not production. */
  @IsBoolean()
  devMode = false;
}
