import { isLoopbackHttp, readClaim } from './oidc.adapter.js';

describe('readClaim', () => {
  const claims = {
    groups: ['a'],
    'https://example.com/roles': ['b'],
    realm_access: { roles: ['c'] },
    'dotted.name': 'exact wins',
    dotted: { name: 'path loses' },
  };

  it('reads a claim by exact name, namespaced URLs included', () => {
    expect(readClaim(claims, 'groups')).toEqual(['a']);
    expect(readClaim(claims, 'https://example.com/roles')).toEqual(['b']);
  });

  it('falls back to a dotted path into nested objects', () => {
    expect(readClaim(claims, 'realm_access.roles')).toEqual(['c']);
    expect(readClaim(claims, 'dotted.name')).toBe('exact wins');
  });

  it('answers undefined for a missing claim or path, and never walks the prototype', () => {
    expect(readClaim(claims, 'missing')).toBeUndefined();
    expect(readClaim(claims, 'realm_access.missing')).toBeUndefined();
    expect(readClaim(claims, 'groups.length')).toBeUndefined();
    expect(readClaim(claims, 'realm_access.constructor')).toBeUndefined();
  });
});

describe('isLoopbackHttp', () => {
  it('is true only for http on a loopback host', () => {
    expect(isLoopbackHttp('http://127.0.0.1:4000')).toBe(true);
    expect(isLoopbackHttp('http://localhost:4000/tenant')).toBe(true);
    expect(isLoopbackHttp('http://[::1]:4000')).toBe(true);
    expect(isLoopbackHttp('https://127.0.0.1')).toBe(false);
    expect(isLoopbackHttp('http://idp.example.com')).toBe(false);
    expect(isLoopbackHttp('http://127.0.0.1.example.com')).toBe(false);
  });
});
