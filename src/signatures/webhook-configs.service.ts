/**
 * Each bot's validated `webhook:` block, built once at start. The config
 * loader has already reported every problem, so this only turns the plain
 * blocks into WebhookConfigDto instances (with their transforms, such as
 * `basicAuth: "user:password"`) for SignatureService.
 */
import { Injectable } from '@nestjs/common';
import { appError } from '../common/error-catalog.js';
import { AppConfig } from '../config/app-config.js';
import { validateWebhookConfig, type WebhookConfigDto } from './webhook-config.dto.js';

@Injectable()
export class WebhookConfigsService {
  private readonly byBot = new Map<string, WebhookConfigDto>();

  constructor(private readonly config: AppConfig) {
    for (const [botId, bot] of Object.entries(config.bots)) {
      if (bot.webhook === undefined) continue;
      const { value, problems } = validateWebhookConfig(bot.webhook);
      if (!value) throw new Error(`bots.${botId}.webhook is invalid: ${problems.join('; ')}`);
      this.byBot.set(botId, value);
    }
  }

  /** The bot's webhook settings; `unknown_bot` or `webhook_not_configured` (400) otherwise. */
  forBot(botId: string): WebhookConfigDto {
    const webhook = this.byBot.get(botId);
    if (webhook) return webhook;
    throw appError(Object.hasOwn(this.config.bots, botId) ? 'webhook_not_configured' : 'unknown_bot');
  }
}
