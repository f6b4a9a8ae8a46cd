/**
 * The one check every browser route starts with (SPEC.md "Browser"): the bot
 * exists and `origin` is exactly one of its configured origins. The result is
 * where tokens may be posted and who may frame the page, so there is no
 * prefix, wildcard or case-folding match: `https://shop.example.com.evil.test`
 * or `https://shop.example.com/` are not `https://shop.example.com`.
 */
import { Injectable } from '@nestjs/common';
import { appError } from '../common/error-catalog.js';
import { AppConfig } from '../config/app-config.js';
import type { BotConfig } from '../config/config.schema.js';

export interface LoginBot {
  id: string;
  /** The validated origin of this request (one of `config.origins`). */
  origin: string;
  config: BotConfig;
  /** The bot's origins in canonical form (frame-ancestors). */
  origins: string[];
}

@Injectable()
export class BotOriginService {
  constructor(private readonly config: AppConfig) {}

  /** The bot, or a 400 AppError `unknown_bot` / `origin_not_allowed`. */
  check(botId: unknown, origin: unknown): LoginBot {
    const bot = this.find(botId);
    if (!bot) throw appError('unknown_bot');
    if (typeof origin !== 'string' || !bot.origins.includes(origin)) throw appError('origin_not_allowed');
    return { ...bot, origin };
  }

  /** The bot without an origin check (branding an error page), or undefined. */
  find(botId: unknown): Omit<LoginBot, 'origin'> | undefined {
    if (typeof botId !== 'string' || !Object.hasOwn(this.config.bots, botId)) return undefined;
    const config = this.config.bots[botId];
    return { id: botId, config, origins: config.origins.map(canonicalOrigin) };
  }
}

/** `scheme://host[:port]` as browsers send it in `event.origin` and the Origin header. */
export function canonicalOrigin(configured: string): string {
  return new URL(configured).origin;
}
