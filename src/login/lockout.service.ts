/**
 * Brute-force lockout (SPEC.md "Security rules"): failed logins are counted
 * per account and per client IP in the store, so every instance shares them.
 * Counters are fixed windows (`windowSeconds`); reaching the limit sets a ban
 * for `banSeconds`. Account keys hash the normalized username (no raw user
 * input in store keys) and exist for unknown usernames too, so a lockout
 * reveals nothing about which accounts exist. The client IP is Fastify's
 * `request.ip`: X-Forwarded-For counts only from `trustProxy` hops.
 */
import { Injectable, Optional } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { appError } from '../common/error-catalog.js';
import { AppConfig } from '../config/app-config.js';
import { sha256Hex } from '../crypto/hash.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AuditLog } from '../observability/audit-log.js';
import { Store } from '../store/store.js';

type Scope = 'account' | 'ip';

/** Default per-IP limit as a multiple of the per-account one (one NAT, many users). */
const IP_LIMIT_FACTOR = 4;

@Injectable()
export class LockoutService {
  constructor(
    private readonly store: Store,
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /** Throws 429 `login_locked` (with `retryAfterSeconds`) while the account or the IP is banned. */
  async assertAllowed(username: string, ip: string): Promise<void> {
    const [account, client] = await Promise.all([
      this.store.ttl(banKey('account', accountId(username))),
      this.store.ttl(banKey('ip', clientId(ip))),
    ]);
    const retryAfter = Math.max(account ?? 0, client ?? 0);
    if (retryAfter > 0) {
      this.metrics?.loginFailure('locked');
      throw lockedOut(retryAfter);
    }
  }

  /** Counts one failure; throws `login_locked` when this failure reached a limit. */
  async recordFailure(username: string, ip: string): Promise<void> {
    const { maxFailures, windowSeconds, banSeconds } = this.config.login.lockout;
    const perIp = this.config.login.lockout.maxFailuresPerIp ?? maxFailures * IP_LIMIT_FACTOR;
    const account = accountId(username);
    const client = clientId(ip);
    const [accountFailures, ipFailures] = await Promise.all([
      this.store.increment(counterKey('account', account), windowSeconds),
      this.store.increment(counterKey('ip', client), windowSeconds),
    ]);
    const banned = await Promise.all([
      accountFailures >= maxFailures ? this.ban('account', account, { account }) : false,
      ipFailures >= perIp ? this.ban('ip', client, { ip: client }) : false,
    ]);
    if (banned.some(Boolean)) throw lockedOut(banSeconds);
  }

  /** A successful login clears the account's failures (not the IP's: one success must not reset a spray). */
  async recordSuccess(username: string): Promise<void> {
    await this.store.delete(counterKey('account', accountId(username)));
  }

  private async ban(scope: Scope, id: string, fields: Record<string, string>): Promise<true> {
    const { banSeconds } = this.config.login.lockout;
    const created = await this.store.setIfAbsent(banKey(scope, id), '1', banSeconds);
    // The counter starts again from zero once the ban is over.
    await this.store.delete(counterKey(scope, id));
    if (created) this.audit.record('login.lockout', { scope, ...fields, banSeconds });
    if (created) this.metrics?.lockout(scope);
    return true;
  }
}

function counterKey(scope: Scope, id: string): string {
  return `lockout:fail:${scope}:${id}`;
}

function banKey(scope: Scope, id: string): string {
  return `lockout:ban:${scope}:${id}`;
}

/** A short, stable id for a username: its SHA-256 prefix (also what the audit line shows). */
export function accountId(username: string): string {
  return sha256Hex(`account:${username}`).slice(0, 32);
}

/**
 * IPv4 as is; IPv6 by its /64, since one subscriber usually owns a whole /64
 * and could otherwise rotate addresses to dodge the per-IP limit.
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
