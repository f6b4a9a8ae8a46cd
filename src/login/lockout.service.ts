/**
 * Brute-force lockout (SPEC.md "Security rules", "Lockout per account and
 * address"). Failed logins are counted in the store, so every instance
 * shares them, in three scopes:
 *
 * - `pair`: one account from one client address. `maxFailures` bans that
 *   pair only, so whoever mistypes or guesses from one address cannot lock
 *   the account's owner out from anywhere else (the denial of service a
 *   per-account ban alone allows).
 * - `account`: the account from every address. `maxFailuresPerAccount`
 *   (higher) bans the account everywhere, so guessing spread over many
 *   addresses still stops.
 * - `ip`: one client address, any accounts. `maxFailuresPerIp` (default
 *   4 × maxFailures) bans the address, against password spraying.
 *
 * Counters are fixed windows (`windowSeconds`); reaching a limit sets a ban
 * for `banSeconds`. Attempts refused by a ban are not counted, so one address
 * adds at most `maxFailures` to the account per ban. Account keys hash the
 * normalized username (no raw user input in store keys) and exist for
 * unknown usernames too, so a lockout reveals nothing about which accounts
 * exist. The client address is Fastify's `request.ip` (X-Forwarded-For counts
 * only from `trustProxy` hops), IPv6 grouped by /64. Every store error
 * propagates: a lockout that cannot be checked fails closed (503).
 */
import { Injectable, Optional } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { appError } from '../common/error-catalog.js';
import { AppConfig } from '../config/app-config.js';
import { sha256Hex } from '../crypto/hash.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AuditLog } from '../observability/audit-log.js';
import { Store } from '../store/store.js';

export type LockoutScope = 'pair' | 'account' | 'ip';

/** Default per-IP limit as a multiple of the per-pair one (one NAT, many users). */
const IP_LIMIT_FACTOR = 4;

/** One scope's counter: its store id, its limit and what its audit line names. */
interface Subject {
  scope: LockoutScope;
  id: string;
  limit: number;
  fields: Record<string, string>;
}

@Injectable()
export class LockoutService {
  constructor(
    private readonly store: Store,
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /** Throws 429 `login_locked` (with `retryAfterSeconds`) while the pair, the account or the address is banned. */
  async assertAllowed(username: string, ip: string): Promise<void> {
    const ttls = await Promise.all(this.subjects(username, ip).map((subject) => this.store.ttl(banKey(subject))));
    const retryAfter = Math.max(0, ...ttls.map((ttl) => ttl ?? 0));
    if (retryAfter > 0) {
      this.metrics?.loginFailure('locked');
      // A ban without expiry can only come from a foreign writer; it is honoured, but Retry-After stays a number.
      throw lockedOut(Number.isFinite(retryAfter) ? retryAfter : this.config.login.lockout.banSeconds);
    }
  }

  /** Counts one failure in every scope; throws `login_locked` when this failure reached a limit. */
  async recordFailure(username: string, ip: string): Promise<void> {
    const { windowSeconds, banSeconds } = this.config.login.lockout;
    const subjects = this.subjects(username, ip);
    const counts = await Promise.all(subjects.map((subject) => this.store.increment(counterKey(subject), windowSeconds)));
    const reached = subjects.filter((subject, index) => counts[index] >= subject.limit);
    await Promise.all(reached.map((subject) => this.ban(subject)));
    if (reached.length > 0) throw lockedOut(banSeconds);
  }

  /**
   * A successful login clears the failures of this account from this
   * address (the owner's own typos). Not the account's total, nor the
   * address's: the owner signing in must not reset a spread attack or a spray.
   */
  async recordSuccess(username: string, ip: string): Promise<void> {
    await this.store.delete(counterKey(this.pair(accountId(username), clientId(ip))));
  }

  private subjects(username: string, ip: string): Subject[] {
    const { maxFailures, maxFailuresPerAccount, maxFailuresPerIp } = this.config.login.lockout;
    const account = accountId(username);
    const client = clientId(ip);
    return [
      this.pair(account, client),
      { scope: 'account', id: account, limit: maxFailuresPerAccount, fields: { account } },
      { scope: 'ip', id: client, limit: maxFailuresPerIp ?? maxFailures * IP_LIMIT_FACTOR, fields: { ip: client } },
    ];
  }

  private pair(account: string, client: string): Subject {
    return { scope: 'pair', id: `${account}:${client}`, limit: this.config.login.lockout.maxFailures, fields: { account, ip: client } };
  }

  private async ban(subject: Subject): Promise<void> {
    const { banSeconds } = this.config.login.lockout;
    const created = await this.store.setIfAbsent(banKey(subject), '1', banSeconds);
    // The counter starts again from zero once the ban is over.
    await this.store.delete(counterKey(subject));
    if (!created) return;
    this.audit.record('login.lockout', { scope: subject.scope, ...subject.fields, banSeconds });
    this.metrics?.lockout(subject.scope);
  }
}

function counterKey(subject: Subject): string {
  return `lockout:fail:${subject.scope}:${subject.id}`;
}

function banKey(subject: Subject): string {
  return `lockout:ban:${subject.scope}:${subject.id}`;
}

/** A short, stable id for a username: its SHA-256 prefix (also what the audit line shows). */
export function accountId(username: string): string {
  return sha256Hex(`account:${username}`).slice(0, 32);
}

/**
 * IPv4 as is; IPv6 by its /64, since one subscriber usually owns a whole /64
 * and could otherwise rotate addresses to dodge the per-address limits.
 */
export function clientId(ip: string): string {
  if (!ipaddr.isValid(ip)) return 'unknown';
  let parsed = ipaddr.parse(ip);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

function lockedOut(retryAfterSeconds: number) {
  return appError('login_locked', { retryAfterSeconds, retryAt: new Date(Date.now() + retryAfterSeconds * 1000).toISOString() });
}
