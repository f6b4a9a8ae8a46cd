import { decodeDigest, digestMatches, findMatchingSecret, hmac, matchHmac, stripPrefix } from './secret-matching.js';

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

  it('decodes a presented digest only when it has the exact length and a strict spelling', () => {
    const bytes = Buffer.from('00ff10ab', 'hex');
    expect(decodeDigest('00FF10ab', 'hex', 4)).toEqual(bytes);
    expect(decodeDigest('00ff10', 'hex', 4)).toBeUndefined();
    expect(decodeDigest('00ff10abcd', 'hex', 4)).toBeUndefined();
    // Node's hex decoder stops at the first bad pair; the length alone would not catch it.
    expect(decodeDigest('00ff10zz', 'hex', 4)).toBeUndefined();
    expect(decodeDigest('AP8Qqw==', 'base64', 4)).toEqual(bytes);
    expect(decodeDigest('AP8Qqw', 'base64', 4)).toBeUndefined();
    expect(decodeDigest('AP8Q qw==', 'base64', 4)).toBeUndefined();
    expect(decodeDigest('AP8Qqw==', 'base64', 5)).toBeUndefined();
  });

  it('names the secret whose HMAC matches, and refuses a value that is not a digest before computing any', () => {
    const secrets = [
      { id: 'config-0', value: 'old-secret' },
      { id: 'cli-1', value: 'new-secret' },
    ];
    const presented = hmac('sha256', 'new-secret', ['payload']).toString('hex');
    const args = { scheme: 'test', header: 'x-sig', secrets, algorithm: 'sha256' as const, encoding: 'hex' as const, parts: ['payload'] };
    expect(matchHmac({ ...args, presented }).id).toBe('cli-1');
    expect(() => matchHmac({ ...args, presented: hmac('sha256', 'other', ['payload']).toString('hex') })).toThrow(
      expect.objectContaining({ code: 'signature_invalid', reason: 'x-sig does not match any live secret' }),
    );
    expect(() => matchHmac({ ...args, presented: presented.slice(2) })).toThrow(
      expect.objectContaining({ code: 'signature_invalid', reason: 'x-sig is not a hex sha256 digest' }),
    );
  });

  it('hashes several parts as their concatenation', () => {
    expect(hmac('sha1', 'k', ['a', Buffer.from('b')])).toEqual(hmac('sha1', 'k', ['ab']));
  });

  it('strips a required prefix or fails as signature_invalid', () => {
    expect(stripPrefix('sha256=abc', 'sha256=', 'x-sig')).toBe('abc');
    expect(() => stripPrefix('sha1=abc', 'sha256=', 'x-sig')).toThrow(expect.objectContaining({ code: 'signature_invalid' }));
  });
});
