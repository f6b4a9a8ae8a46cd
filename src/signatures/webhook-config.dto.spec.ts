import { generateKeyPairSync } from 'node:crypto';
import { BOTFRAMEWORK_METADATA_URL, validateWebhookConfig } from './webhook-config.dto.js';

function problems(plain: unknown): string[] {
  return validateWebhookConfig(plain).problems;
}

const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
const dsaDer = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 })
  .publicKey.export({ format: 'der', type: 'spki' })
  .toString('base64');

describe('WebhookConfigDto', () => {
  it('accepts a complete block for every scheme', () => {
    const valid = [
      { scheme: 'chatbase', secrets: ['s'], toleranceSeconds: 300 },
      { scheme: 'convokraft', publicKey: dsaDer, hash: 'sha1', signatureEncoding: 'hex', dsaEncoding: 'ieee-p1363' },
      { scheme: 'ingenious', secrets: ['token'], allowIps: ['203.0.113.0/24', '2001:db8::1'] },
      { scheme: 'chatbotcom', token: 't', headers: { 'x-custom-header': 'value' }, basicAuth: { username: 'u', password: 'p:w' } },
      { scheme: 'inbenta', tokenHeader: 'x-inbenta-key', secrets: ['k'], replay: { dedupeBodyHash: true, windowSeconds: 600 } },
      { scheme: 'standard-webhooks', secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', `whpk_${Buffer.alloc(32, 7).toString('base64')}`] },
      { scheme: 'slack', secrets: ['s'] },
      { scheme: 'meta', secrets: ['s'], verifyToken: 'meatyhamhock' },
      { scheme: 'zendesk', secrets: ['s'] },
      { scheme: 'intercom', secrets: ['s'] },
      { scheme: 'twilio', secrets: ['s'] },
      { scheme: 'freshchat', publicKey: rsaPem },
      { scheme: 'botframework', appId: 'app', metadataUrl: BOTFRAMEWORK_METADATA_URL },
      {
        scheme: 'hmac',
        header: 'X-Signature',
        algorithm: 'sha512',
        encoding: 'base64',
        prefix: 'sha512=',
        timestampHeader: 'X-Timestamp',
        timestampFormat: 'iso8601',
        idHeader: 'X-Id',
        payload: '{id}.{timestamp}.{body}',
      },
    ];
    for (const block of valid) expect([block.scheme, problems(block)]).toEqual([block.scheme, []]);
  });

  it('accepts basicAuth as one user:password string', () => {
    const { value, problems: found } = validateWebhookConfig({ scheme: 'inbenta', basicAuth: 'inbenta:p:w' });
    expect(found).toEqual([]);
    expect(value?.basicAuth).toEqual({ username: 'inbenta', password: 'p:w' });
    expect(problems({ scheme: 'inbenta', basicAuth: 'no-colon' })).toEqual([expect.stringMatching(/^basicAuth: /)]);
  });

  it('returns an instance with nested DTOs', () => {
    const { value } = validateWebhookConfig({ scheme: 'chatbotcom', basicAuth: { username: 'u', password: 'p' } });
    expect(value?.basicAuth).toEqual({ username: 'u', password: 'p' });
  });

  it('names the schemes when the scheme is unknown', () => {
    expect(problems({ scheme: 'chatbase2' })).toEqual([expect.stringContaining('scheme must be one of: chatbase, convokraft')]);
    expect(problems(null)).toEqual([expect.stringContaining('webhook must be a mapping')]);
  });

  it('says publicKey is needed, and how to give it, for convokraft and freshchat', () => {
    expect(problems({ scheme: 'convokraft' })).toEqual([
      expect.stringMatching(/^publicKey is required for scheme convokraft: .*PEM or base64 DER.*publicKey: \{ file: /),
    ]);
    expect(problems({ scheme: 'freshchat' })).toEqual([expect.stringContaining('publicKey is required for scheme freshchat')]);
  });

  it('refuses a key of the wrong type or that does not parse', () => {
    expect(problems({ scheme: 'freshchat', publicKey: dsaDer })).toEqual([expect.stringContaining('is not a RSA public key')]);
    expect(problems({ scheme: 'convokraft', publicKey: rsaPem })).toEqual([expect.stringContaining('is not a DSA public key')]);
    expect(problems({ scheme: 'convokraft', publicKey: 'hello world' })).toEqual([expect.stringContaining('is not a DSA public key')]);
  });

  it('says what botframework needs', () => {
    expect(problems({ scheme: 'botframework' })).toEqual([
      "appId is required for scheme botframework: set it to the bot's Microsoft App ID",
      expect.stringMatching(/^metadataUrl is required for scheme botframework: normally https:\/\/login\.botframework\.com/),
    ]);
    expect(problems({ scheme: 'botframework', appId: 'a', metadataUrl: 'http://login.example.com/meta' })).toEqual([
      expect.stringContaining('metadataUrl must be an https:// URL'),
    ]);
    expect(problems({ scheme: 'botframework', appId: 'a', metadataUrl: 'http://127.0.0.1:8080/meta' })).toEqual([]);
  });

  it('checks the hmac header and payload template', () => {
    expect(problems({ scheme: 'hmac' })).toEqual([expect.stringContaining('header is required for scheme hmac')]);
    expect(problems({ scheme: 'hmac', header: 'x-sig', timestampHeader: 'x-ts' })).toEqual([
      expect.stringContaining('timestampHeader is set but payload has no {timestamp}'),
    ]);
    expect(problems({ scheme: 'hmac', header: 'x-sig', payload: '{timestamp}.{body}' })).toEqual([
      expect.stringContaining('payload uses {timestamp}: set timestampHeader'),
    ]);
    expect(problems({ scheme: 'hmac', header: 'x-sig', idHeader: 'x-id' })).toEqual([expect.stringContaining('idHeader is set but payload has no {id}')]);
    expect(problems({ scheme: 'hmac', header: 'x-sig', payload: '{ts}.{body}' })).toEqual([expect.stringContaining('unknown placeholders {ts}')]);
    expect(problems({ scheme: 'hmac', header: 'x-sig', payload: 'no body' })).toEqual([expect.stringContaining('{body} exactly once')]);
    expect(problems({ scheme: 'hmac', header: 'bad header', algorithm: 'md5' })).toEqual(
      expect.arrayContaining(['header: header must be an HTTP header name', 'algorithm: algorithm must be sha1, sha256 or sha512']),
    );
  });

  it('asks chatbotcom and inbenta for a credential checked on every call', () => {
    expect(problems({ scheme: 'chatbotcom', token: 't' })).toEqual([
      expect.stringContaining('headers (the connection\'s custom headers), basicAuth'),
    ]);
    expect(problems({ scheme: 'inbenta', allowIps: ['203.0.113.1'] })).toEqual([
      expect.stringContaining('scheme inbenta needs at least one of tokenHeader, headers or basicAuth'),
    ]);
    expect(problems({ scheme: 'ingenious', basicAuth: { username: 'u', password: 'p' } })).toEqual([
      expect.stringContaining('basicAuth and a token in the Authorization header cannot both be required'),
    ]);
  });

  it('validates nested and list options', () => {
    expect(problems({ scheme: 'chatbotcom', basicAuth: { username: 'a:b', password: '' } })).toEqual(
      expect.arrayContaining([
        'basicAuth.username: basicAuth.username must not contain ":" (RFC 7617)',
        expect.stringMatching(/^basicAuth\.password: /),
      ]),
    );
    expect(problems({ scheme: 'chatbotcom', headers: { 'bad name': 'v' } })).toEqual([expect.stringContaining('headers must map header names')]);
    expect(problems({ scheme: 'slack', allowIps: ['10.0.0.0/8', '10.0.0.0/33', 'intranet'] })).toEqual([
      'allowIps: allowIps entries must be CIDRs (203.0.113.0/24, 2001:db8::/32) or single addresses; not understood: 10.0.0.0/33, intranet',
    ]);
    expect(problems({ scheme: 'slack', toleranceSeconds: 0, replay: { windowSeconds: -1 } })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^toleranceSeconds: /), expect.stringMatching(/^replay\.windowSeconds: /)]),
    );
    expect(problems({ scheme: 'slack', secrets: ['ok', ''] })).toEqual([expect.stringMatching(/^secrets: /)]);
  });

  it('reports options the scheme does not use and options that do not exist', () => {
    expect(problems({ scheme: 'slack', header: 'x-sig' })).toEqual([
      'header is not used by scheme slack (it applies to hmac): remove it',
    ]);
    expect(problems({ scheme: 'slack', publickey: 'x' })).toEqual(['publickey: unknown option, remove it or check its spelling']);
  });

  it('checks the format of standard-webhooks secrets given in the config', () => {
    expect(problems({ scheme: 'standard-webhooks', secrets: ['whsec_ok', 'not base64!', 'whpk_AAAA'] })).toEqual([
      expect.stringContaining('secrets[1] must be a whsec_'),
      expect.stringContaining('secrets[2] must be a whsec_'),
    ]);
  });
});
