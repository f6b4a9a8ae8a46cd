import { generateKeyPairSync } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateSecretValue, secretValueProblem, SECRET_KINDS } from './webhook-secret-format.js';
import { WEBHOOK_SCHEMES } from './webhook-scheme.js';

describe('webhook secret formats', () => {
  it('knows every scheme', () => {
    expect(Object.keys(SECRET_KINDS).sort()).toEqual([...WEBHOOK_SCHEMES].sort());
  });

  it('generates a Standard Webhooks secret that the reference library signs with', () => {
    const secret = generateSecretValue('standard-webhooks') as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(secretValueProblem('standard-webhooks', secret)).toBeUndefined();
    const wh = new Webhook(secret);
    const signature = wh.sign('msg_1', new Date(), '{}');
    expect(() => wh.verify('{}', { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': signature })).not.toThrow();
  });

  it('generates 256-bit header-safe secrets for the shared-credential schemes, fresh each time', () => {
    for (const scheme of ['hmac', 'chatbotcom', 'inbenta'] as const) {
      const secret = generateSecretValue(scheme) as string;
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(generateSecretValue(scheme)).not.toBe(secret);
    }
  });

  it('generates nothing where the vendor issues the secret or there is none', () => {
    for (const scheme of ['slack', 'meta', 'zendesk', 'intercom', 'twilio', 'chatbase', 'ingenious', 'convokraft', 'freshchat', 'botframework'] as const) {
      expect([scheme, generateSecretValue(scheme)]).toEqual([scheme, undefined]);
    }
  });

  it('accepts a public key of the right type for key schemes only', () => {
    const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(secretValueProblem('convokraft', dsa)).toBeUndefined();
    expect(secretValueProblem('convokraft', rsa)).toMatch(/DSA public key/);
    expect(secretValueProblem('freshchat', rsa)).toBeUndefined();
  });

  it('says what is wrong without quoting the value', () => {
    const problems = [
      secretValueProblem('slack', 'abc\tdef'),
      secretValueProblem('standard-webhooks', 'whpk_c2hvcnQ='),
      secretValueProblem('botframework', 'anything'),
      secretValueProblem('slack', 'x'.repeat(16 * 1024 + 1)),
    ];
    expect(problems).toEqual([
      expect.stringContaining('control characters'),
      expect.stringContaining('must be a whsec_'),
      expect.stringContaining('has no secrets'),
      expect.stringContaining('longer than'),
    ]);
    for (const problem of problems) expect(problem).not.toMatch(/abc|c2hvcnQ|anything|xxxx/);
  });
});
