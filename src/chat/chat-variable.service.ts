/**
 * Pushes user tokens into the conversation's hidden chat variable through the
 * bot's Chat API adapter, and blanks it when the session ends. Failures are
 * logged with the bot, vendor and error code only — never the token, the
 * session token or the vendor credentials — and reported as `failed` so the
 * login still succeeds in the browser.
 */
import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { ownEntry } from '../common/own-entry.js';
import { AppConfig } from '../config/app-config.js';
import { ROOT_LOGGER } from '../core.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RevocationService } from '../sessions/revocation.service.js';
import type { SessionRecord } from '../sessions/session.service.js';
import { ChatVariablePort, type ChatVariableOutcome } from '../tokens/chat-variable.port.js';
import { ChatApi, ChatApiError, type ChatConfig } from './chat-api.js';

@Injectable()
export class ChatVariableService extends ChatVariablePort implements OnModuleInit {
  private readonly logger: Logger;

  constructor(
    private readonly chatApi: ChatApi,
    private readonly config: AppConfig,
    private readonly revocation: RevocationService,
    @Inject(ROOT_LOGGER) logger: Logger,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    super();
    this.logger = logger.child({ component: 'chat-variable' });
  }

  onModuleInit(): void {
    // Revocation (API or CLI) and logout both end here: the chat must not keep a dead token.
    this.revocation.onRevoked(({ record }) => this.clear(record));
  }

  async publish(session: SessionRecord, token: string): Promise<ChatVariableOutcome | undefined> {
    const chat = this.chatConfigFor(session);
    if (!chat || !session.chatSession) return undefined;
    try {
      await this.chatApi.setVariable({ chat, sessionToken: session.chatSession, value: token });
      this.metrics?.chatPush('push', chat.vendor, 'ok');
      return 'set';
    } catch (error) {
      this.logFailure('push', session, chat, error);
      return 'failed';
    }
  }

  async clear(session: SessionRecord): Promise<void> {
    const chat = this.chatConfigFor(session);
    if (!chat || !session.chatSession) return;
    try {
      await this.chatApi.clearVariable({ chat, sessionToken: session.chatSession });
      this.metrics?.chatPush('clear', chat.vendor, 'ok');
    } catch (error) {
      this.logFailure('clear', session, chat, error);
    }
  }

  private chatConfigFor(session: SessionRecord): ChatConfig | undefined {
    return ownEntry(this.config.bots, session.bot)?.chat as ChatConfig | undefined;
  }

  private logFailure(operation: 'push' | 'clear', session: SessionRecord, chat: ChatConfig, error: unknown): void {
    const code = error instanceof ChatApiError ? error.code : 'chat_api_error';
    this.metrics?.chatPush(operation, chat.vendor, code);
    this.logger.warn({ operation, bot: session.bot, vendor: chat.vendor, variable: chat.variable, code }, `chat variable ${operation} failed`);
  }
}
