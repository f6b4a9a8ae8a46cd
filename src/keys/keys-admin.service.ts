/**
 * The `keys` CLI group's one entry point over both key kinds: a kid names
 * either a token key or a signing key (their kids cannot collide: token kids
 * are 4 characters, signing kids start with their algorithm), so `keys retire`,
 * `keys revoke` and `keys prune` need no flag to say which.
 */
import { Injectable } from '@nestjs/common';
import type { AppError } from '../common/app-error.js';
import { appError } from '../common/error-catalog.js';
import { SigningKeyAdmin } from './signing-key-admin.service.js';
import type { RevokedSigningKeyStatus, SigningKeyStatus } from './signing-key-lifecycle.js';
import { TokenKeyAdmin, type KeyRevocation } from './token-key-admin.service.js';
import type { RevokedKeyStatus, TokenKeyStatus } from './token-key-lifecycle.js';

export interface KeysOverview {
  keys: Array<TokenKeyStatus | RevokedKeyStatus>;
  signingKeys: Array<SigningKeyStatus | RevokedSigningKeyStatus>;
}

@Injectable()
export class KeysAdmin {
  constructor(
    readonly tokenKeys: TokenKeyAdmin,
    readonly signingKeys: SigningKeyAdmin,
  ) {}

  list(now = Date.now()): KeysOverview {
    return { keys: this.tokenKeys.list(now), signingKeys: this.signingKeys.list(now) };
  }

  async retire(kid: string, now = new Date()): Promise<{ kind: 'token' | 'signing'; key: TokenKeyStatus | SigningKeyStatus }> {
    if (this.signingKeys.has(kid)) return { kind: 'signing', key: await this.signingKeys.retire(kid, now) };
    return { kind: 'token', key: await this.tokenKeys.retire(kid, now) };
  }

  revoke(kid: string, now = new Date()): Promise<KeyRevocation> {
    if (this.signingKeys.has(kid)) return this.signingKeys.revoke(kid, now);
    if (this.tokenKeys.has(kid)) return this.tokenKeys.revoke(kid, now);
    return Promise.reject(appError('key_not_found', { detail: `no token or signing key with id ${kid}` }));
  }

  /** Prunes both kinds; the removed kids of both, in one list. */
  async prune(now = new Date()): Promise<{ removed: string[]; token: string[]; signing: string[] }> {
    const token = await this.tokenKeys.prune(now);
    const signing = await this.signingKeys.prune(now);
    return { removed: [...token, ...signing], token, signing };
  }
}
