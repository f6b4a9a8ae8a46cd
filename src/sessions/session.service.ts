/**
 * Sessions live in the store: `sess:<sid>` holds who and for which bot, with
 * a TTL equal to the idle timeout. `subj:<subject>` indexes a subject's
 * sessions for `sessions revoke --user`.
 * A missing session means revoked, idle too long, or a store that forgot:
 * all three reject the token.
 *
 * The verify path reads the session on every call, so it reads it with
 * getCached, which a Redis store answers from a local copy that Redis keeps
 * exact (a revoke or logout on any instance reaches it at once; see
 * redis.store.ts). Expiry may reach that copy late, which the touch interval
 * bounds: a read older than one interval is a getAndTouch round trip, and a
 * key this instance slid cannot idle out within an interval of the slide. The idle timer is slid forward (GETEX) at most once per
 * touch interval (a tenth of the idle timeout, at most a minute) rather than
 * on every verify, so a session may end up to one interval earlier than
 * `sessionIdleSeconds` after its last use, never later. The parsed record is
 * kept beside the raw value it came from and reused while that value stands.
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

/** What this instance last saw of a session: the raw value, its parsed record, and when it last slid the idle timer. */
interface SeenSession {
  raw: string;
  record: SessionRecord;
  touchedAt: number;
}
const subjectKey = (subject: string) => `subj:${encodeURIComponent(subject)}`;

@Injectable()
export class SessionService {
  private readonly seen = new Map<string, SeenSession>();
  private readonly touchIntervalMs: number;
  private readonly maxSeen: number;

  constructor(
    private readonly store: Store,
    private readonly config: AppConfig,
  ) {
    this.touchIntervalMs = Math.min(60_000, config.tokens.sessionIdleSeconds * 100);
    this.maxSeen = Math.max(1, config.tokens.verifyCacheSize);
  }

  async create(fields: Omit<SessionRecord, 'createdAt' | 'maxUntil'>, now = Date.now()): Promise<{ sessionId: string; record: SessionRecord }> {
    // 64 random bits: a lookup key, not a secret (tokens are encrypted), kept short for the token size.
    const sessionId = randomToken(8);
    const { sessionIdleSeconds, sessionMaxAgeSeconds } = this.config.tokens;
    const record: SessionRecord = { ...fields, createdAt: now, maxUntil: now + sessionMaxAgeSeconds * 1000 };
    await this.store.set(sessionKey(sessionId), JSON.stringify(record), Math.min(sessionIdleSeconds, sessionMaxAgeSeconds));
    await this.store.addToSet(subjectKey(fields.sub), sessionId, sessionMaxAgeSeconds);
    return { sessionId, record };
  }

  /**
   * The live session, its idle timer slid forward when due; null when revoked,
   * idle too long or past its max age. The record is shared: read it, never change it.
   */
  async touch(sessionId: string, now = Date.now()): Promise<SessionRecord | null> {
    const key = sessionKey(sessionId);
    const seen = this.seen.get(sessionId);
    const due = seen === undefined || now - seen.touchedAt >= this.touchIntervalMs;
    const raw = due ? await this.store.getAndTouch(key, this.config.tokens.sessionIdleSeconds) : await this.store.getCached(key);
    if (raw === null) {
      this.seen.delete(sessionId);
      return null;
    }
    const record = seen !== undefined && seen.raw === raw ? seen.record : (JSON.parse(raw) as SessionRecord);
    if (record.maxUntil <= now) {
      this.seen.delete(sessionId);
      await this.store.delete(key);
      return null;
    }
    if (due || seen === undefined || seen.record !== record) this.remember(sessionId, { raw, record, touchedAt: due ? now : seen!.touchedAt });
    return record;
  }

  /** Bounded: the oldest entry goes first (re-inserting keeps the map in last-touched order). */
  private remember(sessionId: string, entry: SeenSession): void {
    this.seen.delete(sessionId);
    if (this.seen.size >= this.maxSeen) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(sessionId, entry);
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const raw = await this.store.get(sessionKey(sessionId));
    return raw === null ? null : (JSON.parse(raw) as SessionRecord);
  }

  /** Ends one session; returns its record when it existed (for the Chat API clean-up). */
  async end(sessionId: string): Promise<SessionRecord | null> {
    this.seen.delete(sessionId);
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
