import type { TokenClaims } from './token-claims.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const claims = (exp: number): TokenClaims => ({
  iss: 'chatwarden', aud: 'shop', sub: 'alice', sid: 's', jti: 'j', iat: 1, nbf: 1, exp, perms: [], amr: 'pwd',
});

describe('VerifiedTokenCache', () => {
  it('never returns an entry at or past its exp', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('t', claims(100), 'k');
    expect(cache.get('t', 99)?.claims.exp).toBe(100);
    expect(cache.get('t', 100)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('stays within its bound, evicting the oldest entry first', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', claims(100), 'k');
    cache.set('b', claims(100), 'k');
    cache.set('c', claims(100), 'k');
    expect(cache.size).toBe(2);
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('c', 1)).toBeDefined();
  });

  it('a size of 0 disables it', () => {
    const cache = new VerifiedTokenCache(0);
    cache.set('a', claims(100), 'k');
    expect(cache.get('a', 1)).toBeUndefined();
  });
});

describe('VerifiedTokenCache.dropKeys', () => {
  it('forgets exactly the entries decrypted with the dropped kids', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('t1', claims(100), 'revoked');
    cache.set('t2', claims(100), 'kept');
    cache.set('t3', claims(100), 'revoked');
    expect(cache.dropKeys(new Set(['revoked']))).toBe(2);
    expect(cache.get('t1', 1)).toBeUndefined();
    expect(cache.get('t3', 1)).toBeUndefined();
    expect(cache.get('t2', 1)?.kid).toBe('kept');
  });
});
