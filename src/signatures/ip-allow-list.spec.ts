import { isIpAllowed, parseAllowEntry } from './ip-allow-list.js';

describe('ip allow-list', () => {
  const list = ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32'];

  it('admits addresses inside a CIDR or equal to a single entry', () => {
    expect(isIpAllowed('203.0.113.200', list)).toBe(true);
    expect(isIpAllowed('198.51.100.7', list)).toBe(true);
    expect(isIpAllowed('2001:db8:1::5', list)).toBe(true);
  });

  it('refuses addresses outside every entry', () => {
    expect(isIpAllowed('203.0.114.1', list)).toBe(false);
    expect(isIpAllowed('198.51.100.8', list)).toBe(false);
    expect(isIpAllowed('2001:db9::1', list)).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 client as its IPv4 address', () => {
    expect(isIpAllowed('::ffff:203.0.113.9', list)).toBe(true);
    expect(isIpAllowed('::ffff:192.0.2.1', list)).toBe(false);
  });

  it('admits a mapped client through an IPv4-mapped range', () => {
    expect(isIpAllowed('203.0.113.9', ['::ffff:203.0.113.0/120'])).toBe(true);
  });

  it('refuses a missing or garbage client address', () => {
    expect(isIpAllowed(undefined, list)).toBe(false);
    expect(isIpAllowed('', list)).toBe(false);
    expect(isIpAllowed('not-an-ip', list)).toBe(false);
    expect(isIpAllowed('203.0.113.9, 10.0.0.1', list)).toBe(false);
  });

  it('parses CIDRs and single addresses, rejects anything else', () => {
    expect(parseAllowEntry('10.0.0.0/8')?.[1]).toBe(8);
    expect(parseAllowEntry('::1')?.[1]).toBe(128);
    expect(parseAllowEntry('10.0.0.0/33')).toBeUndefined();
    expect(parseAllowEntry('example.com')).toBeUndefined();
  });
});
