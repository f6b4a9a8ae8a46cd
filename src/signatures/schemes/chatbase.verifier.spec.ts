import crypto from 'node:crypto';
import { BOT, configSecrets, harness, post, rejection, tamper, webhook } from '../testing/verifier-kit.js';

// The signer from the Chatbase webhooks guide (chatbase.co, "Receiving
// the request"), reproduced as published: hex HMAC-SHA1 of the raw body.
function sha1(data: Buffer, secret: string): string {
  return crypto.createHmac('sha1', secret).update(data).digest('hex');
}

const SECRET = 'chatbase-webhook-secret';
const NOW = 1_700_000_000;
// The guide's leads.submit example, as the raw bytes Chatbase would send.
const BODY = Buffer.from(
  '{"eventType":"leads.submit","chatbotId":"xxxxxxxx","payload":{"conversationId":"xxxxxxxx","customerEmail":"[email protected]","customerName":"Example","customerPhone":"123"}}',
);
const config = webhook({ scheme: 'chatbase' });

describe('chatbase verifier', () => {
  it('accepts the body signed by the documented signer', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    await expect(service.verify(BOT, config, post({ 'x-chatbase-signature': sha1(BODY, SECRET) }, BODY))).resolves.toEqual({
      valid: true,
      scheme: 'chatbase',
      secretId: 'config-0',
    });
  });

  it('reads the header in any case and the digest in upper case', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    const headers = { 'X-Chatbase-SIGNATURE': sha1(BODY, SECRET).toUpperCase() };
    await expect(service.verify(BOT, config, post(headers, BODY))).resolves.toMatchObject({ valid: true });
  });

  it('refuses a tampered body', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    const error = await rejection(service.verify(BOT, config, post({ 'x-chatbase-signature': sha1(BODY, SECRET) }, tamper(BODY, 20))));
    expect(error).toMatchObject({ code: 'signature_invalid', status: 401 });
  });

  it('refuses the same JSON re-serialized (raw bytes only)', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(BODY.toString()), null, 1));
    const error = await rejection(service.verify(BOT, config, post({ 'x-chatbase-signature': sha1(BODY, SECRET) }, reformatted)));
    expect(error.code).toBe('signature_invalid');
  });

  it('refuses a signature made with another secret', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    const error = await rejection(service.verify(BOT, config, post({ 'x-chatbase-signature': sha1(BODY, 'other') }, BODY)));
    expect(error.code).toBe('signature_invalid');
  });

  it('reports a missing header as signature_missing', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    const error = await rejection(service.verify(BOT, config, post({ 'content-type': 'application/json' }, BODY)));
    expect(error).toMatchObject({ code: 'signature_missing', status: 401 });
  });

  it('refuses a header sent twice, as an array or in two spellings', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    const good = sha1(BODY, SECRET);
    const asArray = await rejection(service.verify(BOT, config, post({ 'x-chatbase-signature': [good, good] }, BODY)));
    const twoSpellings = await rejection(
      service.verify(BOT, config, post({ 'x-chatbase-signature': good, 'X-Chatbase-Signature': good }, BODY)),
    );
    expect([asArray.code, twoSpellings.code]).toEqual(['signature_invalid', 'signature_invalid']);
  });

  it('tries every live secret and reports the one that matched (rotation)', async () => {
    const { service } = harness(configSecrets('old-secret', SECRET), NOW);
    await expect(service.verify(BOT, config, post({ 'x-chatbase-signature': sha1(BODY, SECRET) }, BODY))).resolves.toMatchObject({
      secretId: 'config-1',
    });
  });

  it('verifies binary bodies byte for byte', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0xc3, 0x28]);
    await expect(service.verify(BOT, config, post({ 'x-chatbase-signature': sha1(binary, SECRET) }, binary))).resolves.toMatchObject({
      valid: true,
    });
    const error = await rejection(service.verify(BOT, config, post({ 'x-chatbase-signature': sha1(binary, SECRET) }, tamper(binary, 6))));
    expect(error.code).toBe('signature_invalid');
  });

  it('rejects a replayed body when dedupeBodyHash is on, and accepts it when off', async () => {
    const { service } = harness(configSecrets(SECRET), NOW);
    const request = post({ 'x-chatbase-signature': sha1(BODY, SECRET) }, BODY);
    const deduping = webhook({ scheme: 'chatbase', replay: { dedupeBodyHash: true } });
    await service.verify(BOT, deduping, request);
    expect(await rejection(service.verify(BOT, deduping, request))).toMatchObject({ code: 'replayed', status: 401 });
    await expect(service.verify(BOT, config, request)).resolves.toMatchObject({ valid: true });
    await expect(service.verify(BOT, config, request)).resolves.toMatchObject({ valid: true });
  });

  it('fails closed when the bot has no live secret', async () => {
    const { service } = harness([], NOW);
    const error = await rejection(service.verify(BOT, config, post({ 'x-chatbase-signature': sha1(BODY, SECRET) }, BODY)));
    expect(error).toMatchObject({ code: 'webhook_misconfigured', status: 500 });
  });
});
