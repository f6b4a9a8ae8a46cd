import { bodyFormat, extractToken } from './token-extractor.js';

// Bodies shaped like the vendors' documented requests (ConvoKraft and ChatBot.com webhook docs; VENDORS.md).
const chatbotcom = Buffer.from(
  JSON.stringify({
    chatId: '602313f00000000000000000',
    messageId: '5a7fb3e1-8452-4aee-a7a9-2f0edaeb8e42',
    userId: '602313f00000000000000000',
    node: { id: '4b0d6bea', name: 'foo bar', type: 'WEBHOOK' },
    userAttributes: { default_name: 'User' },
    attributes: { foo: 'bar', user_token: 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..iv.ct.tag' },
  }),
);
const convokraft = Buffer.from('{"todo":"execute","bot":"b","action":"orders","params":{"user_token":"tok-ck"},"user":{},"sessionData":{}}');
const inbenta = Buffer.from('user_token=tok%2Binb%3D&sessionId=abc');

describe('extractToken', () => {
  it('follows a dotted path in JSON bodies', () => {
    expect(extractToken(chatbotcom, 'application/json', 'attributes.user_token')).toBe('eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..iv.ct.tag');
    expect(extractToken(convokraft, 'application/json; charset=utf-8', 'params.user_token')).toBe('tok-ck');
    expect(extractToken(Buffer.from('{"user_token":"top"}'), 'application/vnd.api+json', 'user_token')).toBe('top');
  });

  it('indexes arrays with numeric segments', () => {
    const body = Buffer.from('{"events":[{"payload":{"token":"first"}},{"payload":{"token":"second"}}]}');
    expect(extractToken(body, 'application/json', 'events.1.payload.token')).toBe('second');
    expect(extractToken(body, 'application/json', 'events.x.payload.token')).toBeUndefined();
  });

  it('reads form fields of urlencoded bodies (Inbenta)', () => {
    expect(extractToken(inbenta, 'application/x-www-form-urlencoded', 'user_token')).toBe('tok+inb=');
  });

  it('guesses the format from the body when there is no content type', () => {
    expect(extractToken(convokraft, undefined, 'params.user_token')).toBe('tok-ck');
    expect(extractToken(inbenta, undefined, 'user_token')).toBe('tok+inb=');
    expect(bodyFormat(undefined, Buffer.from('  [1]'))).toBe('json');
  });

  it('answers undefined when the token is absent, empty or not a string', () => {
    expect(extractToken(chatbotcom, 'application/json', 'attributes.missing')).toBeUndefined();
    expect(extractToken(chatbotcom, 'application/json', 'attributes.foo.deeper')).toBeUndefined();
    expect(extractToken(Buffer.from('{"t":""}'), 'application/json', 't')).toBeUndefined();
    expect(extractToken(Buffer.from('{"t":"  "}'), 'application/json', 't')).toBeUndefined();
    expect(extractToken(Buffer.from('{"t":42}'), 'application/json', 't')).toBeUndefined();
    expect(extractToken(Buffer.from('{"t":{"x":"y"}}'), 'application/json', 't')).toBeUndefined();
    expect(extractToken(Buffer.from('"just a string"'), 'application/json', 't')).toBeUndefined();
    expect(extractToken(Buffer.from(''), 'application/x-www-form-urlencoded', 't')).toBeUndefined();
  });

  it('never follows inherited properties', () => {
    const body = Buffer.from('{"a":{}}');
    expect(extractToken(body, 'application/json', '__proto__.toString')).toBeUndefined();
    expect(extractToken(body, 'application/json', 'a.constructor')).toBeUndefined();
    expect(extractToken(Buffer.from('{"__proto__":{"t":"own"}}'), 'application/json', '__proto__.t')).toBe('own');
  });

  it('answers 400 body_malformed for bodies that cannot be read', () => {
    for (const [body, type] of [
      [Buffer.from('{"a":'), 'application/json'],
      [Buffer.from([0xff, 0xfe, 0x00]), 'application/json'],
      [Buffer.from([0xc3, 0x28]), 'application/x-www-form-urlencoded'],
      [Buffer.from('user_token=a&user_token=b'), 'application/x-www-form-urlencoded'],
      [Buffer.from('<xml/>'), 'text/xml'],
    ] as const) {
      expect(() => extractToken(body, type, 'user_token')).toThrow(expect.objectContaining({ code: 'body_malformed', status: 400 }));
    }
  });

  it('refuses a tokenField that is not a plain dotted path', () => {
    for (const field of ['', 'a..b', 'a b', '.a', 'a.'.repeat(20) + 'a']) {
      expect(() => extractToken(chatbotcom, 'application/json', field)).toThrow(expect.objectContaining({ code: 'token_field_invalid', status: 400 }));
    }
  });
});
