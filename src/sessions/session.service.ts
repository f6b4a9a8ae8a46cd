/**
 * Sessions live in the store: `sess:<sid>` holds who and for which bot, with
 * a TTL equal to the idle timeout that every verify slides forward (GETEX, so
 * "is it alive" and "keep it alive" cost one round trip). `subj:<subject>`
 * indexes a subject's sessions for `sessions revoke --user`.
 * A missing session means revoked, idle too long, or a store that forgot:
 * all three reject the token.
 */
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { randomToken } from '../crypto/random.js';
import { Store } from '../store/store.js';

export type AuthMethod = 'pwd' | 'sso' | 'trusted';

export interface SessionRecord {
  sub: string;
  bot: string;
  amr: AuthMethod;
  perms: string[];
  conv?: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms after which the session is over whatever the activity. */
  maxUntil: number;
  /** Inbenta session token of the conversation, when the token is pushed server side. */
  chatSession?: string;
  /** Profile fields the bot's identity proofs may carry (only those `bots.<id>.profile` names), re-used on refresh. */
  profile?: { email?: string; name?: string };
}

const sessionKey = (sid: string) => `sess:${sid}`;
const subjectKey = (subject: string) => `subj:${encodeURIComponent(subject)}`;

@Injectable()
export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly config: AppConfig,
  ) {}

  async create(fields: Omit<SessionRecord, 'createdAt' | 'maxUntil'>, now = Date.now()): Promise<{ sessionId: string; record: SessionRecord }> {
    // 64 random bits: a lookup key, not a secret (tokens are encrypted), kept short for the token size.
    const sessionId = randomToken(8);
    const { sessionIdleSeconds, sessionMaxAgeSeconds } = this.config.tokens;
    const record: SessionRecord = { ...fields, createdAt: now, maxUntil: now + sessionMaxAgeSeconds * 1000 };
    await this.store.set(sessionKey(sessionId), JSON.stringify(record), Math.min(sessionIdleSeconds, sessionMaxAgeSeconds));
    await this.store.addToSet(subjectKey(fields.sub), sessionId, sessionMaxAgeSeconds);
    return { sessionId, record };
  }

  /** The live session, its idle timer slid forward; null when revoked, idle too long or past its max age. */
  async touch(sessionId: string, now = Date.now()): Promise<SessionRecord | null> {
    const raw = await this.store.getAndTouch(sessionKey(sessionId), this.config.tokens.sessionIdleSeconds);
    if (raw === null) return null;
    const record = JSON.parse(raw) as SessionRecord;
    if (record.maxUntil <= now) {
      await this.store.delete(sessionKey(sessionId));
      return null;
    }
    return record;
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const raw = await this.store.get(sessionKey(sessionId));
    return raw === null ? null : (JSON.parse(raw) as SessionRecord);
  }

  /** Ends one session; returns its record when it existed (for the Chat API clean-up). */
  async end(sessionId: string): Promise<SessionRecord | null> {
    const raw = await this.store.take(sessionKey(sessionId));
    if (raw === null) return null;
    const record = JSON.parse(raw) as SessionRecord;
    await this.store.removeFromSet(subjectKey(record.sub), sessionId);
    return record;
  }

  /** Ends every session of `subject` (optionally only for one bot); returns the ended ones. */
  async endAllFor(subject: string, bot?: string): Promise<Array<{ sessionId: string; record: SessionRecord }>> {
    const ended: Array<{ sessionId: string; record: SessionRecord }> = [];
    for (const sessionId of await this.store.setMembers(subjectKey(subject))) {
      const record = await this.get(sessionId);
      if (record === null) {
        await this.store.removeFromSet(subjectKey(subject), sessionId);
        continue;
      }
      if (bot !== undefined && record.bot !== bot) continue;
      if (await this.end(sessionId)) ended.push({ sessionId, record });
    }
    return ended;
  }
}
