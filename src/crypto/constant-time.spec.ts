import { constantTimeEqual } from './constant-time.js';

describe('constantTimeEqual', () => {
  it('accepts equal strings and equal byte arrays', () => {
    expect(constantTimeEqual('s3cret', 's3cret')).toBe(true);
    expect(constantTimeEqual(Buffer.from([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('refuses values that differ in one byte', () => {
    expect(constantTimeEqual('s3cret', 's3creT')).toBe(false);
    expect(constantTimeEqual(Buffer.from([1, 2, 3]), Buffer.from([1, 2, 4]))).toBe(false);
  });

  it('refuses a prefix or a zero-padded value (length mismatch answers false)', () => {
    expect(constantTimeEqual('s3cret', 's3cre')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual(Buffer.from([1, 2]), Buffer.from([1, 2, 0]))).toBe(false);
  });

  it('compares strings as UTF-8 bytes', () => {
    expect(constantTimeEqual('é', Buffer.from('c3a9', 'hex'))).toBe(true);
  });

  it('reads a Uint8Array view without the rest of its buffer', () => {
    const backing = new Uint8Array([9, 1, 2, 9]);
    expect(constantTimeEqual(backing.subarray(1, 3), Buffer.from([1, 2]))).toBe(true);
  });
});
