/**
 * Single-use login form tokens. The login page runs inside a third-party
 * iframe where cookies are blocked or partitioned, so instead of a CSRF
 * cookie the form carries a random token whose state (bot, validated origin,
 * mode, conversation) lives in the store and is taken — read and deleted in
 * one step — by POST /login. A replayed or forged token finds nothing.
 */
import { Injectable } from '@nestjs/common';
import { randomToken } from '../crypto/random.js';
import { Store } from '../store/store.js';
import type { LoginMode } from './login-pages.js';

export interface LoginFormState {
  bot: string;
  origin: string;
  mode: LoginMode;
  conversation?: string;
}

/** How long a rendered form stays usable. */
export const FORM_TOKEN_TTL_SECONDS = 20 * 60;
const FORM_TOKEN = /^[A-Za-z0-9_-]{32}$/;

@Injectable()
export class FormTokenService {
  constructor(private readonly store: Store) {}

  async create(state: LoginFormState): Promise<string> {
    const token = randomToken(24);
    await this.store.set(key(token), JSON.stringify(state), FORM_TOKEN_TTL_SECONDS);
    return token;
  }

  /** The state of `token`, consumed; null when unknown, used, expired or malformed. */
  async take(token: unknown): Promise<LoginFormState | null> {
    if (typeof token !== 'string' || !FORM_TOKEN.test(token)) return null;
    const raw = await this.store.take(key(token));
    return raw === null ? null : (JSON.parse(raw) as LoginFormState);
  }
}

function key(token: string): string {
  return `login-form:${token}`;
}
