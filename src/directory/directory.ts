/**
 * The port the password login talks to for directory users (STYLE.md: outside
 * things behind ports). LdaptsDirectory is the adapter; NoDirectory stands in
 * when `login.directory` is not configured. The contract:
 *
 * - authenticate() never throws for a refused login: it answers
 *   `{ ok: false, reason }`, and the caller turns every reason into the same
 *   uniform `login_failed`. The reason is for the audit line only.
 * - An empty or whitespace-only password is refused before any bind (many
 *   servers treat a simple bind without password as an anonymous bind that
 *   succeeds: RFC 4513 §5.1.2).
 * - A directory that cannot answer (down, slow, refusing the service
 *   account) throws DirectoryUnavailableError: sign-in is unavailable (503),
 *   not "wrong password", and it is not counted towards lockout.
 */
export type DirectoryFailure = 'unknown_user' | 'wrong_password' | 'disabled' | 'ambiguous' | 'empty_password';

export interface DirectoryUser {
  /** The entry's DN as the server returned it. */
  dn: string;
  /** Group DNs as the server returned them. */
  groups: string[];
  /** Display claims from `profile` (claim → first value of the attribute); absent attributes are left out. */
  profile: Record<string, string>;
}

export type DirectoryAnswer = { ok: true; user: DirectoryUser } | { ok: false; reason: DirectoryFailure };

export class DirectoryUnavailableError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`directory unavailable: ${reason}`, options);
    this.name = 'DirectoryUnavailableError';
  }
}

export abstract class Directory {
  /** False when no directory is configured: the login then never asks it. */
  abstract readonly enabled: boolean;

  /** Checks `password` for `username` (already normalized by the caller). */
  abstract authenticate(username: string, password: string): Promise<DirectoryAnswer>;

  /** Resolves when the service account can bind and search (health, `config check --connect`). */
  abstract ping(): Promise<void>;

  abstract close(): Promise<void>;
}

/** True when a password would be an unauthenticated bind: empty or only whitespace. */
export function isBlankPassword(password: string): boolean {
  return password.trim() === '';
}

export class NoDirectory extends Directory {
  readonly enabled = false;
  authenticate(): Promise<DirectoryAnswer> {
    return Promise.resolve({ ok: false, reason: 'unknown_user' });
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
