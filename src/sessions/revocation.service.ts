/** Immediate revocation (HTTP `POST /v1/sessions/revoke` and CLI `sessions revoke`): the next verify anywhere fails. */
import { Injectable } from '@nestjs/common';
import type { BotAccess } from '../clients/bot-access.js';
import { appError, unknownName } from '../common/error-catalog.js';
import { hasOwnName } from '../common/own-entry.js';
import { AppConfig } from '../config/app-config.js';
import { AuditLog } from '../observability/audit-log.js';
import { SessionService, type SessionRecord } from './session.service.js';

export interface RevokeRequest {
  sessionId?: string;
  subject?: string;
  bot?: string;
  /** Who asked: an API client id or `cli`. */
  actor: string;
  /** The bots the asking API key may act for; absent (the CLI): every bot. */
  access?: BotAccess;
}

export interface RevokedSession {
  sessionId: string;
  record: SessionRecord;
}

/** Called for each ended session, e.g. to blank the token in the chat variable. */
export type RevocationListener = (ended: RevokedSession) => Promise<void> | void;

@Injectable()
export class RevocationService {
  private readonly listeners: RevocationListener[] = [];

  constructor(
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
  ) {}

  onRevoked(listener: RevocationListener): void {
    this.listeners.push(listener);
  }

  async revoke(request: RevokeRequest): Promise<RevokedSession[]> {
    if ((request.sessionId === undefined) === (request.subject === undefined)) {
      throw appError('invalid_request', { detail: 'give either sessionId or subject (optionally with bot)' });
    }
    // A bot the config does not have holds no sessions: a typo must not look like "nothing to revoke".
    if (request.bot !== undefined && !hasOwnName(this.config.bots, request.bot)) throw unknownName('unknown_bot', request.bot, Object.keys(this.config.bots));
    const access = request.access;
    let ended: RevokedSession[];
    if (request.sessionId !== undefined) {
      // A key bound to bots ends only sessions of its bots.
      if (access?.bound) {
        const session = await this.sessions.get(request.sessionId);
        if (session) access.assert(session.bot);
      }
      const record = await this.sessions.end(request.sessionId);
      ended = record ? [{ sessionId: request.sessionId, record }] : [];
    } else {
      // A key bound to bots names one of them (or has just one); an unbound key may leave the bot out: every bot.
      const bot = access?.bound ? access.require(request.bot) : request.bot;
      if (bot !== undefined && !Object.hasOwn(this.config.bots, bot)) throw appError('unknown_bot', { detail: `no bot named ${bot} in the config` });
      ended = await this.sessions.endAllFor(request.subject!, bot);
    }
    for (const session of ended) {
      this.audit.record('session.revoke', { sessionId: session.sessionId, subject: session.record.sub, bot: session.record.bot, actor: request.actor });
      for (const listener of this.listeners) await listener(session);
    }
    return ended;
  }

  /** Runs the listeners for a session ended by logout. */
  async notifyEnded(session: RevokedSession): Promise<void> {
    for (const listener of this.listeners) await listener(session);
  }
}
