import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { BOT, configSecrets, harness, post, rejection, tamper, webhook } from '../testing/verifier-kit.js';
import type { WebhookConfigDto } from '../webhook-config.dto.js';

// ConvoKraft publishes no vector (docs.catalyst.zoho.com, "Securing Webhook
// Calls" only says DSA). Keys are made here with node:crypto; signatures
// follow the configured hash / encoding / DSA layout.
const BODY = '{"todo":"execute","bot":"leave_bot","action":"apply_leave","params":{"user_token":"t"},"user":{},"sessionData":{}}';
const NOW = 1_700_000_000;

function dsaKeys(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
}

let current: ReturnType<typeof dsaKeys>;
let other: ReturnType<typeof dsaKeys>;
let pem: string;
let der: string;

beforeAll(() => {
  current = dsaKeys();
  other = dsaKeys();
  pem = current.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  der = current.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
});

function signature(
  key: KeyObject,
  body: string | Buffer,
  options: { hash?: string; dsaEncoding?: 'der' | 'ieee-p1363'; encoding?: 'base64' | 'hex' } = {},
): string {
  return sign(options.hash ?? 'sha256', Buffer.from(body), { key, dsaEncoding: options.dsaEncoding ?? 'der' }).toString(
    options.encoding ?? 'base64',
  );
}

function config(extra: Partial<WebhookConfigDto> = {}): WebhookConfigDto {
  return webhook({ scheme: 'convokraft', publicKey: pem, ...extra });
}

describe('convokraft verifier', () => {
  it('accepts a DSA signature with the defaults (sha256, base64, DER) and a PEM key', async () => {
    const { service } = harness([], NOW);
    await expect(service.verify(BOT, config(), post({ 'X-CONVOKRAFT-SIGNATURE': signature(current.privateKey, BODY) }, BODY))).resolves.toEqual({
      valid: true,
      scheme: 'convokraft',
      secretId: 'public-key',
    });
  });

  it('accepts the key as base64 DER', async () => {
    const { service } = harness([], NOW);
    await expect(
      service.verify(BOT, config({ publicKey: der }), post({ 'x-convokraft-signature': signature(current.privateKey, BODY) }, BODY)),
    ).resolves.toMatchObject({ valid: true });
  });

  it('honours hash sha1, dsaEncoding ieee-p1363 and signatureEncoding hex', async () => {
    const { service } = harness([], NOW);
    const variant = { hash: 'sha1', dsaEncoding: 'ieee-p1363', encoding: 'hex' } as const;
    const options = config({ hash: 'sha1', dsaEncoding: 'ieee-p1363', signatureEncoding: 'hex' });
    await expect(
      service.verify(BOT, options, post({ 'x-convokraft-signature': signature(current.privateKey, BODY, variant) }, BODY)),
    ).resolves.toMatchObject({ valid: true });
    // The default settings do not accept that layout.
    const error = await rejection(service.verify(BOT, config(), post({ 'x-convokraft-signature': signature(current.privateKey, BODY, variant) }, BODY)));
    expect(error.code).toBe('signature_invalid');
  });

  it('refuses a tampered body and a signature from another key', async () => {
    const { service } = harness([], NOW);
    const good = signature(current.privateKey, BODY);
    expect((await rejection(service.verify(BOT, config(), post({ 'x-convokraft-signature': good }, tamper(BODY, 2))))).code).toBe(
      'signature_invalid',
    );
    const foreign = signature(other.privateKey, BODY);
    expect((await rejection(service.verify(BOT, config(), post({ 'x-convokraft-signature': foreign }, BODY)))).code).toBe(
      'signature_invalid',
    );
  });

  it('refuses a signature that is not base64 or not a DSA signature at all', async () => {
    const { service } = harness([], NOW);
    for (const bad of ['***', 'AAAA', Buffer.alloc(64, 1).toString('base64')]) {
      expect((await rejection(service.verify(BOT, config(), post({ 'x-convokraft-signature': bad }, BODY)))).code).toBe('signature_invalid');
    }
  });

  it('reports a missing header as signature_missing', async () => {
    const { service } = harness([], NOW);
    expect((await rejection(service.verify(BOT, config(), post({}, BODY)))).code).toBe('signature_missing');
  });

  it('accepts a new vendor key added as a secret while the configured one is still live (rotation)', async () => {
    const newPem = other.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const { service } = harness(configSecrets(newPem), NOW);
    await expect(service.verify(BOT, config(), post({ 'x-convokraft-signature': signature(other.privateKey, BODY) }, BODY))).resolves.toMatchObject({
      secretId: 'config-0',
    });
    await expect(service.verify(BOT, config(), post({ 'x-convokraft-signature': signature(current.privateKey, BODY) }, BODY))).resolves.toMatchObject({
      secretId: 'public-key',
    });
  });

  it('rejects a replay when dedupeBodyHash is on', async () => {
    const { service } = harness([], NOW);
    const request = post({ 'x-convokraft-signature': signature(current.privateKey, BODY) }, BODY);
    const deduping = config({ replay: { dedupeBodyHash: true } });
    await service.verify(BOT, deduping, request);
    expect((await rejection(service.verify(BOT, deduping, request))).code).toBe('replayed');
  });

  it('fails closed when no configured key is a DSA public key', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const { service } = harness([], NOW);
    const error = await rejection(service.verify(BOT, config({ publicKey: rsa }), post({ 'x-convokraft-signature': signature(current.privateKey, BODY) }, BODY)));
    expect(error).toMatchObject({ code: 'webhook_misconfigured', status: 500 });
  });
});
