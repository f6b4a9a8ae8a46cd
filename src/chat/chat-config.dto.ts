/**
 * The `bots.*.chat` block of chatwarden.yaml (SPEC.md "Running it"), checked
 * after the config loader has replaced `{ env }` / `{ file }` references by
 * their values. A valid instance is what ChatApi adapters take as ChatConfig.
 */
import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  validateSync,
  type ValidationError,
} from 'class-validator';
import type { ChatConfig } from './chat-api.js';
import { CHAT_VENDORS, type ChatVendor } from './chat-api.registry.js';

/** A variable name as chat apps accept them: a letter or _, then letters, digits and _. */
export const CHAT_VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export class ChatConfigDto implements ChatConfig {
  @IsIn(CHAT_VENDORS, { message: `vendor must be one of: ${CHAT_VENDORS.join(', ')}` })
  vendor: ChatVendor;

  /** The hidden variable that receives the user token (in Inbenta: "Validation Only", "Hide in Logs and UI"). */
  @Matches(CHAT_VARIABLE_NAME, {
    message: 'variable must be a name: a letter or _, then letters, digits or _ (at most 64)',
  })
  variable: string;

  @IsString()
  @IsNotEmpty()
  apiKey: string;

  @IsString()
  @IsNotEmpty()
  secret: string;

  /** The vendor's authentication API; when absent the adapter uses the vendor's public one. */
  @IsOptional()
  @IsUrl(
    { protocols: ['https', 'http'], require_protocol: true, require_tld: false },
    { message: 'authUrl must be an http(s) URL' },
  )
  authUrl?: string;
}

/**
 * Validates a raw `chat` block. `problems` name the offending field under
 * `path` (e.g. `bots.shop.chat.authUrl: …`) and never quote a secret.
 */
export function validateChatConfig(raw: unknown, path = 'chat'): { config: ChatConfigDto; problems: string[] } {
  const config = plainToInstance(ChatConfigDto, isRecord(raw) ? raw : {});
  const errors = isRecord(raw) ? validateSync(config, { whitelist: true, forbidNonWhitelisted: true }) : [];
  const problems = isRecord(raw) ? errors.flatMap((error) => describe(error, path)) : [`${path}: must be a mapping`];
  return { config, problems };
}

function describe(error: ValidationError, path: string): string[] {
  return Object.values(error.constraints ?? {}).map((message) => `${path}.${error.property}: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
