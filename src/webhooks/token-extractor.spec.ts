import { bodyFormat, extractToken, readWebhookFields } from './token-extractor.js';

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

  it('refuses JSON bodies with a key twice in one object, as forms with a field twice', () => {
    for (const body of [
      '{"user_token":"a","user_token":"b"}',
      '{"attributes":{"user_token":"a"},"attributes":{"user_token":"b"}}',
      '{"x":[{"k":1,"k":2}],"user_token":"a"}',
      '{"user_token":"a","\\u0075ser_token":"b"}',
    ]) {
      expect(() => extractToken(Buffer.from(body), 'application/json', 'user_token')).toThrow(
        expect.objectContaining({ code: 'body_malformed', status: 400, details: { detail: expect.stringMatching(/appears more than once/) } }),
      );
    }
    expect(extractToken(Buffer.from('{"a":{"k":1},"b":{"k":2},"user_token":"t"}'), 'application/json', 'user_token')).toBe('t');
  });
});

describe('readWebhookFields', () => {
  it('reads the conversation id at conversationField from JSON and forms, parsing once', () => {
    expect(readWebhookFields(chatbotcom, 'application/json', 'attributes.user_token', 'chatId')).toEqual({
      token: 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..iv.ct.tag',
      conversationId: '602313f00000000000000000',
    });
    expect(readWebhookFields(inbenta, 'application/x-www-form-urlencoded', 'user_token', 'sessionId')).toEqual({ token: 'tok+inb=', conversationId: 'abc' });
    expect(readWebhookFields(Buffer.from('{"t":"x","c":{"id":42}}'), 'application/json', 't', 'c.id').conversationId).toBe('42');
    expect(readWebhookFields(Buffer.from('{"t":"x","c":1.5}'), 'application/json', 't', 'c').conversationId).toBeUndefined();
    expect(readWebhookFields(Buffer.from('{"t":"x"}'), 'application/json', 't', 'c').conversationId).toBeUndefined();
    expect(readWebhookFields(Buffer.from('{"t":"x"}'), 'application/json', 't')).toEqual({ token: 'x', conversationId: undefined });
  });

  it('refuses a form with the conversation field twice', () => {
    expect(() => readWebhookFields(Buffer.from('user_token=a&sessionId=1&sessionId=2'), 'application/x-www-form-urlencoded', 'user_token', 'sessionId')).toThrow(
      expect.objectContaining({ code: 'body_malformed' }),
    );
  });
});
