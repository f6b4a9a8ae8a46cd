import { toSignedRequest, type SignatureInput } from './signature-input.js';

const base: SignatureInput = { bot: 'shop', headers: { 'x-sig': 'a' } };

function code(input: SignatureInput): string | undefined {
  try {
    toSignedRequest(input);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('toSignedRequest', () => {
  it('turns body text into its UTF-8 bytes and bodyBase64 into the same bytes', () => {
    const text = '{"name":"Zoë","wave":"👋"}\r\n';
    const fromText = toSignedRequest({ ...base, body: text }).body;
    const fromBase64 = toSignedRequest({ ...base, bodyBase64: Buffer.from(text, 'utf8').toString('base64') }).body;
    expect(fromText.equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(fromBase64.equals(fromText)).toBe(true);
  });

  it('keeps binary bytes given as base64', () => {
    const bytes = Buffer.from([0, 255, 254, 128, 10]);
    expect(toSignedRequest({ ...base, bodyBase64: bytes.toString('base64') }).body.equals(bytes)).toBe(true);
  });

  it('defaults the method to POST, upper-cases it and keeps the url', () => {
    expect(toSignedRequest({ ...base, body: '' })).toMatchObject({ method: 'POST' });
    expect(toSignedRequest({ ...base, method: 'get', url: '/hook?a=1' })).toMatchObject({ method: 'GET', url: '/hook?a=1', body: Buffer.alloc(0) });
  });

  it('wants exactly one of body and bodyBase64, except that a GET or HEAD may have neither', () => {
    expect(code({ ...base, body: 'a', bodyBase64: 'YQ==' })).toBe('invalid_request');
    expect(code(base)).toBe('invalid_request');
    expect(code({ ...base, method: 'PUT' })).toBe('invalid_request');
    expect(code({ ...base, method: 'HEAD' })).toBeUndefined();
  });

  it('refuses base64 that is not canonical padded RFC 4648', () => {
    for (const bad of ['YQ', 'YQ=', 'Y===', 'YQ==YQ==', 'YQ== ', '-_8=', 'YQ==\n']) expect([bad, code({ ...base, bodyBase64: bad })]).toEqual([bad, 'invalid_request']);
    for (const good of ['', 'YQ==', 'YWI=', 'YWJj', '+/8=']) expect([good, code({ ...base, bodyBase64: good })]).toEqual([good, undefined]);
  });

  it('refuses text that UTF-8 bytes cannot produce (a lone surrogate)', () => {
    expect(code({ ...base, body: 'a\ud800b' })).toBe('invalid_request');
    expect(code({ ...base, body: 'a\udc00' })).toBe('invalid_request');
    expect(code({ ...base, body: '\ud83d\udc4b' })).toBeUndefined();
  });

  it('refuses a body that is not text', () => {
    expect(code({ ...base, body: 1 as unknown as string })).toBe('invalid_request');
    expect(code({ ...base, bodyBase64: null as unknown as string })).toBe('invalid_request');
  });
});
