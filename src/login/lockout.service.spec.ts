/**
 * The lockout rules (SPEC.md "Lockout per account and address"), through
 * LockoutService over a memory store with a controlled clock: pair, account
 * and address scopes, IPv6 /64 grouping, window and ban expiry, audit lines,
 * and failing closed when the store is down.
 */
import { jest } from '@jest/globals';
import { AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { LockoutConfig } from '../config/config.schema.js';
import type { AuditLog } from '../observability/audit-log.js';
import { MemoryStore } from '../store/memory.store.js';
import { StoreUnavailableError } from '../store/store.js';
import { accountId, clientId, LockoutService } from './lockout.service.js';

/** The documented defaults: 5 per pair, 20 per account, 20 per address, 900 s window and ban. */
const DEFAULTS = new LockoutConfig();

function setup(lockout: Partial<LockoutConfig> = {}) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const store = new MemoryStore({ now: () => now });
  const record = jest.fn();
  const config = { login: { local: true, lockout: { ...DEFAULTS, ...lockout } } } as unknown as AppConfig;
  const service = new LockoutService(store, config, { record } as unknown as AuditLog);
  return {
    service,
    store,
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
    lockouts: () => record.mock.calls.filter(([event]) => event === 'login.lockout').map(([, fields]) => fields),
  };
}

/** One failed login the way LocalLoginService makes it: checked first, counted after; resolves with the HTTP status it ends in. */
async function attempt(service: LockoutService, username: string, ip: string): Promise<number> {
  try {
    await service.assertAllowed(username, ip);
    await service.recordFailure(username, ip);
    return 401;
  } catch (error) {
    if (error instanceof AppError) return error.status;
    throw error;
  }
}

async function allowed(service: LockoutService, username: string, ip: string): Promise<boolean> {
  try {
    await service.assertAllowed(username, ip);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === 'login_locked') return false;
    throw error;
  }
}

describe('LockoutService', () => {
  it('has the documented defaults', () => {
    expect({ ...DEFAULTS }).toEqual({ maxFailures: 5, maxFailuresPerAccount: 20, windowSeconds: 900, banSeconds: 900 });
  });

  it('bans an account from one address after maxFailures, and never for the other addresses', async () => {
    const { service, lockouts } = setup();
    for (let i = 0; i < 4; i++) expect(await attempt(service, 'alice', '203.0.113.7')).toBe(401);
    expect(await attempt(service, 'alice', '203.0.113.7')).toBe(429);
    expect(await allowed(service, 'alice', '203.0.113.7')).toBe(false);
    // The owner, elsewhere, still gets in; the attacking address can still try other accounts.
    expect(await allowed(service, 'alice', '198.51.100.1')).toBe(true);
    expect(await allowed(service, 'bob', '203.0.113.7')).toBe(true);
    expect(lockouts()).toEqual([{ scope: 'pair', account: accountId('alice'), ip: '203.0.113.7', banSeconds: 900 }]);
  });

  it('one address hammering for hours never locks the account for everyone', async () => {
    const { service, advance } = setup();
    for (let minute = 0; minute < 8 * 60; minute++) {
      await attempt(service, 'alice', '203.0.113.7');
      advance(60);
    }
    expect(await allowed(service, 'alice', '198.51.100.1')).toBe(true);
  });

  it('locks the account everywhere when failures are spread over many addresses', async () => {
    const { service, lockouts } = setup();
    for (let i = 1; i < 20; i++) expect(await attempt(service, 'alice', `198.51.100.${i}`)).toBe(401);
    expect(await allowed(service, 'alice', '192.0.2.1')).toBe(true);
    expect(await attempt(service, 'alice', '198.51.100.20')).toBe(429);
    expect(await allowed(service, 'alice', '192.0.2.1')).toBe(false);
    expect(await allowed(service, 'bob', '192.0.2.1')).toBe(true);
    expect(lockouts()).toEqual([{ scope: 'account', account: accountId('alice'), banSeconds: 900 }]);
  });

  it('keeps the per-address limit against spraying many accounts (4 × maxFailures by default)', async () => {
    const { service, lockouts } = setup();
    for (let i = 0; i < 19; i++) expect(await attempt(service, `user${i}`, '203.0.113.9')).toBe(401);
    expect(await attempt(service, 'user19', '203.0.113.9')).toBe(429);
    expect(await allowed(service, 'someone-else', '203.0.113.9')).toBe(false);
    expect(await allowed(service, 'someone-else', '203.0.113.10')).toBe(true);
    expect(lockouts()).toEqual([{ scope: 'ip', ip: '203.0.113.9', banSeconds: 900 }]);
  });

  it('counts IPv6 addresses of one /64 as one address', async () => {
    const { service, lockouts } = setup();
    for (let i = 1; i <= 5; i++) await attempt(service, 'alice', `2001:db8:1:2::${i.toString(16)}`);
    expect(await allowed(service, 'alice', '2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(false);
    expect(await allowed(service, 'alice', '2001:db8:1:3::1')).toBe(true);
    expect(lockouts()).toEqual([{ scope: 'pair', account: accountId('alice'), ip: '2001:db8:1:2::/64', banSeconds: 900 }]);
  });

  it('forgets failures once the window has passed', async () => {
    const { service, advance } = setup();
    for (let i = 0; i < 4; i++) await attempt(service, 'alice', '203.0.113.7');
    advance(DEFAULTS.windowSeconds + 1);
    for (let i = 0; i < 4; i++) expect(await attempt(service, 'alice', '203.0.113.7')).toBe(401);
    expect(await allowed(service, 'alice', '203.0.113.7')).toBe(true);
  });

  it('lifts a ban after banSeconds, says how long is left meanwhile, and counts from zero again', async () => {
    const { service, advance } = setup({ banSeconds: 600 });
    for (let i = 0; i < 5; i++) await attempt(service, 'alice', '203.0.113.7');
    advance(400);
    const refused = await service.assertAllowed('alice', '203.0.113.7').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).details.retryAfterSeconds).toBe(200);
    advance(201);
    expect(await allowed(service, 'alice', '203.0.113.7')).toBe(true);
    expect(await attempt(service, 'alice', '203.0.113.7')).toBe(401);
  });

  it('a success clears the failures of that account from that address only', async () => {
    const { service } = setup({ maxFailuresPerAccount: 8 });
    for (let i = 0; i < 4; i++) await attempt(service, 'alice', '203.0.113.7');
    await service.recordSuccess('alice', '203.0.113.7');
    for (let i = 0; i < 3; i++) expect(await attempt(service, 'alice', '203.0.113.7')).toBe(401);
    // The account total was kept: 7 so far, the 8th failure anywhere locks it.
    expect(await attempt(service, 'alice', '198.51.100.1')).toBe(429);
  });

  it('treats unknown usernames like accounts (no hint which exist)', async () => {
    const { service } = setup();
    for (let i = 0; i < 4; i++) expect(await attempt(service, 'nobody-at-all', '203.0.113.7')).toBe(401);
    expect(await attempt(service, 'nobody-at-all', '203.0.113.7')).toBe(429);
  });

  it('fails closed when the store is down', async () => {
    const { service, store } = setup();
    await store.close();
    await expect(service.assertAllowed('alice', '203.0.113.7')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(service.recordFailure('alice', '203.0.113.7')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('clientId', () => {
  it('keeps IPv4 addresses and unwraps IPv4-mapped IPv6', () => {
    expect(clientId('203.0.113.7')).toBe('203.0.113.7');
    expect(clientId('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('groups IPv6 addresses by their /64', () => {
    expect(clientId('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientId('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientId('2001:db8:1:3::1')).not.toBe(clientId('2001:db8:1:2::1'));
  });

  it('maps anything unparsable to one bucket', () => {
    expect(clientId('')).toBe('unknown');
    expect(clientId('not-an-ip')).toBe('unknown');
  });
});
