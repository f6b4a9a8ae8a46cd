import { digestMatches, findMatchingSecret, hmac, stripPrefix } from './secret-matching.js';

describe('secret matching', () => {
  it('tries every candidate and reports the first that matches', () => {
    const seen: string[] = [];
    const candidates = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const match = findMatchingSecret(candidates, (candidate) => {
      seen.push(candidate.id);
      return candidate.id !== 'a';
    });
    expect(match?.id).toBe('b');
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('compares hex case-insensitively and base64 exactly', () => {
    // RFC 4231 §4.2, test case 1 (HMAC-SHA-256).
    const digest = hmac('sha256', Buffer.alloc(20, 0x0b), ['Hi There']);
    const hex = 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7';
    expect(digestMatches(digest, hex, 'hex')).toBe(true);
    expect(digestMatches(digest, hex.toUpperCase(), 'hex')).toBe(true);
    expect(digestMatches(digest, hex.slice(0, -2), 'hex')).toBe(false);
    const base64 = Buffer.from(hex, 'hex').toString('base64');
    expect(digestMatches(digest, base64, 'base64')).toBe(true);
    expect(digestMatches(digest, base64.toLowerCase(), 'base64')).toBe(false);
  });

  it('hashes several parts as their concatenation', () => {
    expect(hmac('sha1', 'k', ['a', Buffer.from('b')])).toEqual(hmac('sha1', 'k', ['ab']));
  });

  it('strips a required prefix or fails as signature_invalid', () => {
    expect(stripPrefix('sha256=abc', 'sha256=', 'x-sig')).toBe('abc');
    expect(() => stripPrefix('sha1=abc', 'sha256=', 'x-sig')).toThrow(expect.objectContaining({ code: 'signature_invalid' }));
  });
});
