import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { BOT, configSecrets, harness, post, rejection, tamper, webhook } from '../testing/verifier-kit.js';
import type { WebhookConfigDto } from '../webhook-config.dto.js';

// Freshchat publishes no vector; keys are made here and bodies signed with
// RSA PKCS#1 v1.5 / SHA-256, base64, as its webhook authentication docs say.
const BODY = '{"actor":{"actor_type":"user"},"action":"message_create","action_time":"2024-01-01T00:00:00Z","data":{"message":{"message_parts":[{"text":{"content":"hi"}}]}}}';
const NOW = 1_700_000_000;

let current: { privateKey: KeyObject; publicKey: KeyObject };
let other: { privateKey: KeyObject; publicKey: KeyObject };

beforeAll(() => {
  current = generateKeyPairSync('rsa', { modulusLength: 2048 });
  other = generateKeyPairSync('rsa', { modulusLength: 2048 });
});

function signature(key: KeyObject, body: string | Buffer): string {
  return sign('sha256', Buffer.from(body), key).toString('base64');
}

function config(extra: Partial<WebhookConfigDto> = {}): WebhookConfigDto {
  return webhook({ scheme: 'freshchat', publicKey: current.publicKey.export({ format: 'pem', type: 'spki' }).toString(), ...extra });
}

describe('freshchat verifier', () => {
  it('accepts an RSA-SHA256 signature with the key as SPKI PEM, PKCS#1 PEM or base64 DER', async () => {
    const { service } = harness([], NOW);
    const request = post({ 'X-Freshchat-Signature': signature(current.privateKey, BODY) }, BODY);
    await expect(service.verify(BOT, config(), request)).resolves.toEqual({ valid: true, scheme: 'freshchat', secretId: 'public-key' });
    const pkcs1 = current.publicKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    await expect(service.verify(BOT, config({ publicKey: pkcs1 }), request)).resolves.toMatchObject({ valid: true });
    const der = current.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    await expect(service.verify(BOT, config({ publicKey: der }), request)).resolves.toMatchObject({ valid: true });
    const pkcs1Der = current.publicKey.export({ format: 'der', type: 'pkcs1' }).toString('base64');
    await expect(service.verify(BOT, config({ publicKey: pkcs1Der }), request)).resolves.toMatchObject({ valid: true });
  });

  it('refuses a tampered body and another key', async () => {
    const { service } = harness([], NOW);
    expect((await rejection(service.verify(BOT, config(), post({ 'x-freshchat-signature': signature(current.privateKey, BODY) }, tamper(BODY, 7))))).code).toBe(
      'signature_invalid',
    );
    expect((await rejection(service.verify(BOT, config(), post({ 'x-freshchat-signature': signature(other.privateKey, BODY) }, BODY)))).code).toBe(
      'signature_invalid',
    );
  });

  it('refuses a PSS signature (only PKCS#1 v1.5 is accepted)', async () => {
    const { service } = harness([], NOW);
    const pss = sign('sha256', Buffer.from(BODY), { key: current.privateKey, padding: 6 }).toString('base64');
    expect((await rejection(service.verify(BOT, config(), post({ 'x-freshchat-signature': pss }, BODY)))).code).toBe('signature_invalid');
  });

  it('reports a missing header and refuses a non-base64 one', async () => {
    const { service } = harness([], NOW);
    expect((await rejection(service.verify(BOT, config(), post({}, BODY)))).code).toBe('signature_missing');
    expect((await rejection(service.verify(BOT, config(), post({ 'x-freshchat-signature': 'not base64!' }, BODY)))).code).toBe(
      'signature_invalid',
    );
  });

  it('tries a rotated key added as a secret', async () => {
    const next = other.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const { service } = harness(configSecrets('not a key', next), NOW);
    await expect(service.verify(BOT, config(), post({ 'x-freshchat-signature': signature(other.privateKey, BODY) }, BODY))).resolves.toMatchObject({
      secretId: 'config-1',
    });
  });

  it('refuses a private key given as the public key', async () => {
    const { service } = harness([], NOW);
    const privatePem = current.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const error = await rejection(service.verify(BOT, config({ publicKey: privatePem }), post({ 'x-freshchat-signature': signature(current.privateKey, BODY) }, BODY)));
    expect(error.code).toBe('webhook_misconfigured');
  });

  it('rejects a replay when dedupeBodyHash is on', async () => {
    const { service } = harness([], NOW);
    const request = post({ 'x-freshchat-signature': signature(current.privateKey, BODY) }, BODY);
    const deduping = config({ replay: { dedupeBodyHash: true } });
    await service.verify(BOT, deduping, request);
    expect((await rejection(service.verify(BOT, deduping, request))).code).toBe('replayed');
  });
});
