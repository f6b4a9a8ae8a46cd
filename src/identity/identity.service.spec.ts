/**
 * Every proof checked with software nobody here wrote: the JWTs with jose's
 * jwtVerify (the secret, or the test signer's public key) against the claims
 * the vendors document; the user hashes with node:crypto's HMAC computed here
 * and RFC 4231's published HMAC-SHA256 vector.
 */
import { createHmac } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { TestJwtSigner } from '../../test/support/test-jwt-signer.js';
import { AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { IdentityService } from './identity.service.js';

const ZENDESK_SECRET = 'zendesk-messaging-secret-0123456789';
const ZENDESK_OLD_SECRET = 'zendesk-old-secret-9876543210';
const INTERCOM_SECRET = 'intercom-messenger-secret';
const CHATBASE_SECRET = 'chatbase-identity-secret';
const AUDIENCE = 'https://acme.my.salesforce-scrt.com';
const PUBLIC_URL = 'https://auth.example.com';

function configWith(bots: Record<string, Record<string, unknown>>): AppConfig {
  return { publicUrl: PUBLIC_URL, bots } as unknown as AppConfig;
}

const fullBot = {
  origins: ['https://shop.example.com'],
  identity: {
    zendesk: { keys: [{ keyId: 'app_64c1', secret: ZENDESK_SECRET }, { keyId: 'app_old', secret: ZENDESK_OLD_SECRET }] },
    intercom: { secret: INTERCOM_SECRET },
    chatbase: { secret: CHATBASE_SECRET },
    salesforce: { audience: AUDIENCE },
  },
  profile: { email: 'mail', name: 'displayName' },
};

const secretKey = (secret: string) => new TextEncoder().encode(secret);

describe('IdentityService', () => {
  let signer: TestJwtSigner;
  beforeAll(async () => {
    signer = await TestJwtSigner.create();
  });

  const now = () => Math.floor(Date.now() / 1000);

  it('mints every configured proof, each verifiable by jose with the documented claims and no later expiry than the token', async () => {
    const service = new IdentityService(configWith({ shop: fullBot }), signer);
    const exp = now() + 600;
    const proofs = await service.mint('shop', { subject: 'customer-1042', profile: { email: 'jo@example.com', name: 'Jo Doe' } }, exp);
    expect(Object.keys(proofs!).sort()).toEqual(['chatbase', 'intercom', 'salesforce', 'zendesk']);

    const zendesk = proofs!.zendesk as string;
    expect(decodeProtectedHeader(zendesk)).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'app_64c1' });
    const z = await jwtVerify(zendesk, secretKey(ZENDESK_SECRET), { algorithms: ['HS256'] });
    expect(z.payload).toEqual({ external_id: 'customer-1042', scope: 'user', name: 'Jo Doe', email: 'jo@example.com', exp });
    // The second key is only listed for rotation: it does not sign.
    await expect(jwtVerify(zendesk, secretKey(ZENDESK_OLD_SECRET), { algorithms: ['HS256'] })).rejects.toThrow();

    const i = await jwtVerify(proofs!.intercom as string, secretKey(INTERCOM_SECRET), { algorithms: ['HS256'] });
    expect(i.payload).toEqual({ user_id: 'customer-1042', email: 'jo@example.com', name: 'Jo Doe', exp });

    expect(proofs!.chatbase).toEqual({
      userId: 'customer-1042',
      userHash: createHmac('sha256', CHATBASE_SECRET).update('customer-1042').digest('hex'),
    });

    const salesforce = proofs!.salesforce as string;
    const { kid, key } = signer.publicKey('RS256');
    expect(decodeProtectedHeader(salesforce)).toMatchObject({ alg: 'RS256', kid });
    const s = await jwtVerify(salesforce, key, { algorithms: ['RS256'], issuer: PUBLIC_URL, audience: AUDIENCE, subject: 'customer-1042' });
    expect(s.payload.exp).toBe(exp);
    expect(s.payload.iat).toBeLessThanOrEqual(now());
    expect(Object.keys(s.payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'sub']);
  });

  it('a proof expired with its token is refused by jose', async () => {
    const service = new IdentityService(configWith({ shop: fullBot }), signer);
    const proofs = await service.mint('shop', { subject: 'u1', profile: {} }, now() - 1);
    await expect(jwtVerify(proofs!.zendesk as string, secretKey(ZENDESK_SECRET))).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    await expect(jwtVerify(proofs!.salesforce as string, signer.publicKey('RS256').key)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it('Intercom with userHash mints the legacy hex HMAC-SHA256 of the user id', async () => {
    const service = new IdentityService(configWith({ shop: { origins: [], identity: { intercom: { secret: INTERCOM_SECRET, userHash: true } } } }));
    const proofs = await service.mint('shop', { subject: 'user-7', profile: {} }, now() + 60);
    expect(proofs).toEqual({ intercom: { userId: 'user-7', userHash: createHmac('sha256', INTERCOM_SECRET).update('user-7').digest('hex') } });
  });

  it('the user hash matches the published HMAC-SHA256 vector (RFC 4231 test case 2)', async () => {
    const service = new IdentityService(configWith({ shop: { origins: [], identity: { chatbase: { secret: 'Jefe' } } } }));
    const proofs = await service.mint('shop', { subject: 'what do ya want for nothing?', profile: {} }, now() + 60);
    expect(proofs!.chatbase).toEqual({
      userId: 'what do ya want for nothing?',
      userHash: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    });
  });

  it('profile fields reach the proofs only when profile names them', async () => {
    const noProfile = new IdentityService(configWith({ shop: { ...fullBot, profile: undefined } }), signer);
    expect(noProfile.profileFor('shop', { mail: 'jo@example.com', displayName: 'Jo' })).toBeUndefined();
    const emailOnly = new IdentityService(configWith({ shop: { ...fullBot, profile: { email: 'mail' } } }), signer);
    expect(emailOnly.profileFor('shop', { mail: 'jo@example.com', displayName: 'Jo', name: 'Jo' })).toEqual({ email: 'jo@example.com' });
    const both = new IdentityService(configWith({ shop: fullBot }), signer);
    // Attribute names are own keys only; non-strings and empty values are dropped.
    expect(both.profileFor('shop', Object.assign(Object.create({ mail: 'inherited@example.com' }) as object, { displayName: '  Jo  ' }))).toEqual({ name: 'Jo' });
    expect(both.profileFor('shop', { mail: ['a@example.com'], displayName: '' })).toBeUndefined();

    const proofs = await emailOnly.mint('shop', { subject: 'u1', profile: {} }, now() + 60);
    const z = await jwtVerify(proofs!.zendesk as string, secretKey(ZENDESK_SECRET));
    expect(z.payload).not.toHaveProperty('email');
    expect(z.payload).not.toHaveProperty('name');
  });

  it('a bot without identity mints nothing', async () => {
    const service = new IdentityService(configWith({ shop: { origins: [] } }));
    await expect(service.mint('shop', { subject: 'u', profile: {} }, now() + 60)).resolves.toBeUndefined();
    expect(() => service.assertCanMint('shop', 'x'.repeat(256))).not.toThrow();
  });

  it('refuses a subject longer than Zendesk external_id allows, naming the vendor and the limit', () => {
    const service = new IdentityService(configWith({ shop: fullBot }), signer);
    expect(() => service.assertCanMint('shop', 'x'.repeat(255))).not.toThrow();
    const error = catchError(() => service.assertCanMint('shop', 'x'.repeat(256)));
    expect(error).toMatchObject({ code: 'identity_subject_invalid', status: 400 });
    expect(error.details.detail).toMatch(/identity\.zendesk: .*external_id limit \(255\)/);
  });

  it('refuses a proof requested for a vendor the bot does not configure', () => {
    const service = new IdentityService(configWith({ shop: { origins: [], identity: { chatbase: { secret: CHATBASE_SECRET } } } }));
    const error = catchError(() => service.assertCanMint('shop', 'u', ['zendesk']));
    expect(error).toMatchObject({ code: 'identity_not_configured', status: 400 });
    expect(error.details.detail).toBe('bot shop has no identity.zendesk block; it configures: chatbase');
  });

  it('without the signing key set, Salesforce refuses up front and at minting; the other proofs need none', async () => {
    const service = new IdentityService(configWith({ shop: fullBot }));
    expect(catchError(() => service.assertCanMint('shop', 'u'))).toMatchObject({ code: 'identity_unavailable', status: 503 });
    await expect(service.mint('shop', { subject: 'u', profile: {} }, now() + 60)).rejects.toMatchObject({ code: 'identity_unavailable' });
    const withoutSalesforce = new IdentityService(configWith({ shop: { ...fullBot, identity: { chatbase: { secret: CHATBASE_SECRET } } } }));
    expect(() => withoutSalesforce.assertCanMint('shop', 'u')).not.toThrow();
  });
});

function catchError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}
