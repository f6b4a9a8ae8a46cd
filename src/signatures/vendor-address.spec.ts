import { trustProxyFunction } from '../common/trust-proxy.js';
import { vendorAddress } from './vendor-address.js';

const trusted = trustProxyFunction(['10.0.0.0/8', 'fd00::/8']);

describe('vendorAddress', () => {
  it('is the peer itself when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(vendorAddress('198.51.100.7', { 'x-forwarded-for': '203.0.113.9' }, trusted)).toBe('198.51.100.7');
  });

  it('walks X-Forwarded-For from the right past trusted hops only', () => {
    const headers = { 'X-Forwarded-For': '198.51.100.66, 203.0.113.9, 10.0.0.7' };
    expect(vendorAddress('10.1.2.3', headers, trusted)).toBe('203.0.113.9');
    expect(vendorAddress('fd00::1', { 'x-forwarded-for': '203.0.113.9' }, trusted)).toBe('203.0.113.9');
  });

  it('joins repeated X-Forwarded-For headers in order', () => {
    expect(vendorAddress('10.0.0.1', { 'x-forwarded-for': ['203.0.113.9', '10.0.0.2'] }, trusted)).toBe('203.0.113.9');
  });

  it('stops at an entry that is not an address, which no allow-list admits', () => {
    expect(vendorAddress('10.0.0.1', { 'x-forwarded-for': '203.0.113.9, garbage' }, trusted)).toBe('garbage');
  });

  it('is the last trusted hop when the chain holds nothing else', () => {
    expect(vendorAddress('10.0.0.1', { 'x-forwarded-for': '10.0.0.2' }, trusted)).toBe('10.0.0.2');
    expect(vendorAddress('10.0.0.1', {}, trusted)).toBe('10.0.0.1');
  });
});
