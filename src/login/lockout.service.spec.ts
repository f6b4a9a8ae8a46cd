import { clientId } from './lockout.service.js';

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
