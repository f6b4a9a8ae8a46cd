/**
 * The local user directory: `users.json` in the keys dir (or `login.usersFile`),
 * written atomically under a lock by the CLI and re-read by running instances
 * when its stamp changes, so `users add|passwd|disable|…` takes effect without
 * a restart. Only argon2id hashes are stored; `list()` never returns them.
 */
import { Injectable } from '@nestjs/common';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../common/app-error.js';
import { appError } from '../common/error-catalog.js';
import { AppConfig } from '../config/app-config.js';
import { randomToken } from '../crypto/random.js';
import { KeysDir } from '../keys/keys-dir.js';
import { PasswordHasher } from './password-hasher.js';

export interface UserRecord {
  username: string;
  passwordHash: string;
  roles: string[];
  disabled: boolean;
  /** Profile attributes (e.g. email, name); identity proofs carry those a bot's `profile` names. */
  attributes?: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export type UserInfo = Omit<UserRecord, 'passwordHash'>;

interface UsersFile {
  users: UserRecord[];
}

export const USERS_FILE = 'users.json';
const EMPTY: UsersFile = { users: [] };

/** Lower-case letters, digits and `. _ @ + -`; an e-mail address fits. */
const USERNAME = /^[a-z0-9][a-z0-9._@+-]{0,127}$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 1024;

/**
 * The one spelling of a username: NFKC, trimmed, lower case. Login and the
 * CLI both go through it, so `Alice` and `alice` are one account (and one
 * lockout counter).
 */
export function normalizeUsername(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

@Injectable()
export class UsersService {
  private readonly dir: KeysDir;
  private readonly fileName: string;
  private byName = new Map<string, UserRecord>();
  private stamp = '';
  private readonly roles: Set<string>;

  constructor(
    config: AppConfig,
    keysDir: KeysDir,
    private readonly hasher: PasswordHasher,
  ) {
    const path = config.login.usersFile;
    this.dir = path === undefined ? keysDir : new KeysDir(dirname(path));
    this.fileName = path === undefined ? USERS_FILE : basename(path);
    // Fails at boot, not at the first login, when the configured name is not a plain `name.json`.
    this.dir.file(this.fileName);
    this.roles = new Set(Object.keys(config.roles));
  }

  /** Where the users live (for messages; never shown to end users). */
  get path(): string {
    return join(this.dir.path, this.fileName);
  }

  /** The current record of `username` (normalized), re-reading the file when it changed. */
  find(username: string): UserRecord | undefined {
    const stamp = this.dir.stamp(this.fileName);
    if (stamp !== this.stamp) {
      this.byName = new Map(this.read().users.map((u) => [u.username, u]));
      this.stamp = stamp;
    }
    return this.byName.get(normalizeUsername(username));
  }

  list(): UserInfo[] {
    return this.read().users.map(withoutHash);
  }

  /** Adds a user; without `password` one is generated and returned (to be shown once). */
  async add(rawUsername: string, roles: string[], password?: string): Promise<{ user: UserInfo; generatedPassword?: string }> {
    const username = this.checkUsername(rawUsername);
    this.checkRoles(roles);
    const generated = password === undefined ? randomToken(15) : undefined;
    const passwordHash = await this.hasher.hash(this.checkPassword(password ?? generated!));
    const now = new Date().toISOString();
    const record: UserRecord = { username, passwordHash, roles: [...new Set(roles)], disabled: false, createdAt: now, updatedAt: now };
    await this.dir.update<UsersFile>(this.fileName, EMPTY, (file) => {
      if (file.users.some((u) => u.username === username)) throw appError('user_exists', { detail: `user ${username} already exists` });
      return { users: [...file.users, record] };
    });
    return { user: withoutHash(record), ...(generated !== undefined && { generatedPassword: generated }) };
  }

  /** Sets a new password; without `password` one is generated and returned. */
  async setPassword(rawUsername: string, password?: string): Promise<{ user: UserInfo; generatedPassword?: string }> {
    const generated = password === undefined ? randomToken(15) : undefined;
    const passwordHash = await this.hasher.hash(this.checkPassword(password ?? generated!));
    const user = await this.change(rawUsername, (u) => ({ ...u, passwordHash }));
    return { user, ...(generated !== undefined && { generatedPassword: generated }) };
  }

  setDisabled(rawUsername: string, disabled: boolean): Promise<UserInfo> {
    return this.change(rawUsername, (u) => ({ ...u, disabled }));
  }

  async remove(rawUsername: string): Promise<UserInfo> {
    const username = normalizeUsername(rawUsername);
    let removed: UserRecord | undefined;
    await this.dir.update<UsersFile>(this.fileName, EMPTY, (file) => {
      removed = file.users.find((u) => u.username === username);
      return { users: file.users.filter((u) => u.username !== username) };
    });
    if (!removed) throw notFound(username);
    return withoutHash(removed);
  }

  /**
   * Creates `username` or replaces its password and roles and enables it
   * (dev mode's demo user gets a fresh password at every start).
   */
  async reset(rawUsername: string, roles: string[]): Promise<{ user: UserInfo; password: string }> {
    const username = this.checkUsername(rawUsername);
    this.checkRoles(roles);
    const password = randomToken(15);
    const passwordHash = await this.hasher.hash(password);
    const now = new Date().toISOString();
    const record: UserRecord = { username, passwordHash, roles, disabled: false, createdAt: now, updatedAt: now };
    await this.dir.update<UsersFile>(this.fileName, EMPTY, (file) => {
      const existing = file.users.find((u) => u.username === username);
      return {
        users: existing
          ? file.users.map((u) => (u.username === username ? { ...record, createdAt: u.createdAt } : u))
          : [...file.users, record],
      };
    });
    return { user: withoutHash(record), password };
  }

  private async change(rawUsername: string, apply: (user: UserRecord) => UserRecord): Promise<UserInfo> {
    const username = normalizeUsername(rawUsername);
    let changed: UserRecord | undefined;
    await this.dir.update<UsersFile>(this.fileName, EMPTY, (file) => ({
      users: file.users.map((u) => {
        if (u.username !== username) return u;
        changed = { ...apply(u), updatedAt: new Date().toISOString() };
        return changed;
      }),
    }));
    if (!changed) throw notFound(username);
    return withoutHash(changed);
  }

  private checkUsername(raw: string): string {
    const username = normalizeUsername(raw);
    if (!USERNAME.test(username)) {
      throw appError('invalid_username', { detail: 'a username is 1-128 characters: letters, digits and . _ @ + - (stored in lower case)' });
    }
    return username;
  }

  private checkRoles(roles: string[]): void {
    const unknown = roles.filter((r) => !this.roles.has(r));
    if (unknown.length > 0) {
      throw appError('unknown_role', { detail: `unknown role(s) ${unknown.join(', ')}; the config defines: ${[...this.roles].join(', ') || 'none'}` });
    }
  }

  private checkPassword(password: string): string {
    if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
      throw appError('invalid_password', { detail: `a password is ${PASSWORD_MIN} to ${PASSWORD_MAX} characters` });
    }
    return password;
  }

  private read(): UsersFile {
    const file = this.dir.read<UsersFile>(this.fileName, EMPTY);
    return Array.isArray(file.users) ? file : EMPTY;
  }
}

function withoutHash({ passwordHash: _hash, ...info }: UserRecord): UserInfo {
  return info;
}

function notFound(username: string): AppError {
  return appError('user_not_found', { detail: `no user named ${username}` });
}
