import { validateChatConfig } from './chat-config.dto.js';

const VALID = {
  vendor: 'inbenta',
  variable: 'user_token',
  apiKey: 'key-value-1234',
  secret: 'secret-value-5678',
  authUrl: 'https://api.inbenta.io/v1',
};

describe('ChatConfigDto', () => {
  it('accepts the documented block, with or without authUrl', () => {
    expect(validateChatConfig(VALID).problems).toEqual([]);
    const { authUrl: _omitted, ...withoutAuthUrl } = VALID;
    const { config, problems } = validateChatConfig(withoutAuthUrl);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ vendor: 'inbenta', variable: 'user_token', authUrl: undefined });
  });

  it('accepts a loopback http authUrl (a local fake or proxy)', () => {
    expect(validateChatConfig({ ...VALID, authUrl: 'http://127.0.0.1:4010/v1' }).problems).toEqual([]);
  });

  it.each([
    [{ vendor: 'zendesk' }, 'bots.shop.chat.vendor: vendor must be one of: inbenta'],
    [{ authUrl: 'api.inbenta.io/v1' }, 'bots.shop.chat.authUrl: authUrl must be an http(s) URL'],
    [{ authUrl: 'ftp://api.inbenta.io/v1' }, 'bots.shop.chat.authUrl: authUrl must be an http(s) URL'],
    [{ variable: 'user token' }, 'bots.shop.chat.variable: variable must be a name'],
    [{ variable: '1token' }, 'bots.shop.chat.variable: variable must be a name'],
    [{ secret: '' }, 'bots.shop.chat.secret: secret should not be empty'],
    [{ apiKey: 42 }, 'bots.shop.chat.apiKey: apiKey must be a string'],
    [{ extra: true }, 'bots.shop.chat.extra: property extra should not exist'],
  ])('refuses %j', (change, problem) => {
    const { problems } = validateChatConfig({ ...VALID, ...change }, 'bots.shop.chat');
    expect(problems).toEqual([expect.stringContaining(problem)]);
  });

  it('refuses a block that is not a mapping', () => {
    expect(validateChatConfig('inbenta', 'bots.shop.chat').problems).toEqual(['bots.shop.chat: must be a mapping']);
  });

  it('never quotes the secrets in its problems', () => {
    const { problems } = validateChatConfig({ ...VALID, vendor: 'x', variable: '?', authUrl: 'nope' });
    expect(problems).toHaveLength(3);
    for (const problem of problems) {
      expect(problem).not.toContain(VALID.apiKey);
      expect(problem).not.toContain(VALID.secret);
    }
  });
});
